-- ethpass pass:expire: a wallet pass expired (or was revoked). Notify the pass service with what
-- an operator needs to act on it: which pass, whose wallet, on which chain, why and when.
return {
  name = "ethpass-pass-expire",
  on = { source = "ethpass", type = "pass:expire" },
  handle = function(event)
    local pass = event.data
    local res = http.post("http://127.0.0.1:9000/notify/pass-expired", {
      json = {
        pass_id = pass.id,
        owner_address = pass.ownerAddress,
        platform = pass.platform,
        chain = pass.chain,
        expire_action = pass.expireAction,
        expired_at = pass.expiredAt,
        event_id = event.id,
      },
    })
    if res.status >= 300 then error("notify answered " .. res.status) end
  end,
}
