-- Passage Connection.Updated: when a connection's data is ready, fetch every resource that is
-- available and forward it to the ingest service. `data_available` means all resources are ready;
-- `data_partially_available` means some are, so only the ready ones are fetched (the rest arrive
-- with a later event). A failed fetch fails the run, which is retried with the same
-- Idempotency-Keys, so the ingest service can drop what it already has.
return {
  name = "passage-fetch-resources",
  on = { source = "passage", type = "Connection.Updated", status = { "data_available", "data_partially_available" } },
  handle = function(event)
    local fetched = 0
    for _, resource in ipairs(event.data.resources or {}) do
      if resource.status == "data_available" then
        local res = http.get(resource.url, { headers = { Authorization = "Bearer " .. secret("PASSAGE_API_KEY") } })
        if res.status ~= 200 then error("fetching " .. resource.type .. " answered " .. res.status) end
        local sent = http.post("http://127.0.0.1:9000/ingest/" .. resource.type, {
          json = { connection_id = event.data.connectionId, event_id = event.id, resource = resource.type, data = res.json },
        })
        if sent.status >= 300 then error("ingest of " .. resource.type .. " answered " .. sent.status) end
        fetched = fetched + 1
      end
    end
    if fetched == 0 then skip("no resource is available yet") end
    log.info("forwarded resources", { connection_id = event.data.connectionId, count = fetched })
  end,
}
