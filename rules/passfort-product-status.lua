-- PassFort PRODUCT_STATUS_CHANGED: a customer's product application changed status (approved,
-- cancelled, ...). Notify the onboarding service with the profile, the product and the new status.
-- Events of one profile are handled in order when the source sets order_by: data.profile_id.
return {
  name = "passfort-product-status",
  on = { source = "passfort", type = "PRODUCT_STATUS_CHANGED" },
  handle = function(event)
    local data = event.data
    local product = data.product or {}
    local res = http.post("http://127.0.0.1:9000/notify/product-status", {
      json = {
        profile_id = data.profile_id,
        application_id = data.application_id,
        product = product.alias or product.id,
        new_status = data.new_status,
        customer_ref = data.customer_ref,
        event_id = event.id,
      },
    })
    if res.status >= 300 then error("notify answered " .. res.status) end
  end,
}
