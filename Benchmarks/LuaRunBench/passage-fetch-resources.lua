-- The Passage rule of SPEC §4, verbatim: fetch each available resource, forward it to ingest.
return {
  name = "passage-fetch-resources",
  on = { source = "passage", type = "Connection.Updated", status = "data_available" },
  handle = function(event)
    for _, resource in ipairs(event.data.resources) do
      if resource.status == "data_available" then
        local res = http.get(resource.url, { headers = { Authorization = "Bearer " .. secret("PASSAGE_API_KEY") } })
        if res.status ~= 200 then error("fetching " .. resource.type .. " answered " .. res.status) end
        http.post("http://127.0.0.1:9000/ingest/" .. resource.type, { json = res.json })
      end
    end
  end,
}
