-- Passport (FusionAuth) user.delete: a user was deleted in the identity provider, so ask the
-- cleanup service to erase what we hold about them. The user id comes from event.user.id; the
-- tenant travels along so that a multi-tenant cleanup knows where to look.
return {
  name = "passport-user-delete",
  on = { source = "passport", type = "user.delete" },
  handle = function(event)
    local user = event.data.user
    if user == nil or user.id == nil then error("user.delete event without user.id") end
    local res = http.post("http://127.0.0.1:9000/cleanup/users/" .. user.id, {
      json = { user_id = user.id, tenant_id = event.data.tenantId, email = user.email, event_id = event.id },
    })
    if res.status >= 300 then error("cleanup answered " .. res.status) end
  end,
}
