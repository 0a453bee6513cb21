/// The status page's Mustache template, kept in Swift so the binary needs no resource bundle.
///
/// Every value goes through `{{…}}`, which HTML-escapes it (quotes included, so values are safe in
/// attributes too); triple braces are never used: the page shows rule errors and rejection reasons,
/// which come from outside. No JavaScript: the Retry buttons are plain forms.
enum StatusPageTemplate {
    static let text = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>hookd status</title>
        <style>
        body { font: 14px/1.45 system-ui, sans-serif; color: #1f2328; margin: 0 auto; padding: 0 24px 40px; max-width: 1200px; }
        header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 24px; padding: 16px 0; border-bottom: 1px solid #d0d7de; }
        header h1 { font-size: 20px; margin: 0; }
        header span { color: #59636e; }
        h2 { font-size: 16px; margin: 28px 0 8px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 5px 10px 5px 0; border-bottom: 1px solid #eaeef2; vertical-align: top; }
        th { font-weight: 600; color: #59636e; }
        code, pre { font: 12px/1.4 ui-monospace, monospace; }
        pre { background: #f6f8fa; padding: 8px; white-space: pre-wrap; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
        .empty, .ok { background: #dafbe1; color: #116329; }
        .waiting { background: #ddf4ff; color: #0550ae; }
        .stalled, .failed, .dead { background: #ffebe9; color: #a40e26; }
        .when { background: #fff8c5; color: #7d4e00; }
        .warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; }
        .none, .muted { color: #59636e; }
        .error { color: #a40e26; }
        form { margin: 0; }
        button.retry { font: inherit; font-size: 12px; padding: 1px 10px; cursor: pointer; }
        </style>
        </head>
        <body>
        <header id="summary">
        <h1>hookd</h1>
        <span id="version">version {{version}}</span>
        <span id="uptime">up {{uptime}}</span>
        <span id="generation">generation {{generation}}</span>
        <span id="generated">generated {{generatedAt}} UTC</span>
        </header>
        {{#hasAbandonedWorkers}}
        <p id="abandoned" class="warning">{{abandonedWorkers}} Lua worker(s) stuck in C code were abandoned and replaced since start.</p>
        {{/hasAbandonedWorkers}}

        <section id="sources">
        <h2>Sources</h2>
        {{#hasSources}}
        <table>
        <thead><tr><th>Name</th><th>Path</th><th>Provider</th><th>Mode</th><th>Queue</th><th>Last processed</th></tr></thead>
        <tbody>
        {{#sources}}
        <tr class="source"><td class="name">{{name}}</td><td><code>{{path}}</code></td><td>{{provider}}</td><td>{{mode}}</td><td><span class="badge queue {{queueClass}}">{{queueText}}</span></td><td class="last-processed">{{lastProcessed}}</td></tr>
        {{/sources}}
        </tbody>
        </table>
        {{/hasSources}}
        {{^sources}}
        <p class="none">No sources.</p>
        {{/sources}}
        </section>

        <section id="failures">
        <h2>Recent failures</h2>
        {{#hasFailures}}
        <table>
        <thead><tr><th>Source</th><th>Event</th><th>Rule</th><th>State</th><th>Attempts</th><th>Error</th><th>When</th><th></th></tr></thead>
        <tbody>
        {{#failures}}
        <tr class="failure"><td>{{source}}</td><td><code>{{eventID}}</code></td><td class="rule">{{rule}}</td><td><span class="badge {{state}}">{{state}}</span></td><td>{{attempts}}</td><td class="error">{{error}}</td><td>{{at}}</td>
        <td><form method="post" action="/retry"><input type="hidden" name="csrf" value="{{csrfToken}}"><input type="hidden" name="source" value="{{source}}"><input type="hidden" name="event" value="{{eventID}}"><input type="hidden" name="rule" value="{{rule}}"><button type="submit" class="retry">Retry</button></form></td></tr>
        {{/failures}}
        </tbody>
        </table>
        {{/hasFailures}}
        {{^failures}}
        <p class="none">No failures.</p>
        {{/failures}}
        </section>

        <section id="rules">
        <h2>Rules</h2>
        {{#hasRules}}
        <table>
        <thead><tr><th>Name</th><th>File</th><th>Matches</th><th></th></tr></thead>
        <tbody>
        {{#rules}}
        <tr class="rule"><td class="name">{{name}}</td><td><code>{{file}}</code></td><td class="patterns">{{#patterns}}<div><code>{{.}}</code></div>{{/patterns}}</td><td>{{#hasWhen}}<span class="badge when" title="has a when function">when</span>{{/hasWhen}}</td></tr>
        {{/rules}}
        </tbody>
        </table>
        {{/hasRules}}
        {{^rules}}
        <p class="none">No rules loaded.</p>
        {{/rules}}
        </section>

        <section id="reload">
        <h2>Last reload</h2>
        <p>{{#reloadSucceeded}}<span class="badge ok">OK</span>{{/reloadSucceeded}}{{^reloadSucceeded}}<span class="badge failed">Failed</span>{{/reloadSucceeded}}
        at {{reloadAt}} UTC, generation {{reloadGeneration}}</p>
        {{#reloadMessage}}
        <pre class="reload-error">{{reloadMessage}}</pre>
        {{/reloadMessage}}
        {{#hasNeedsRestart}}
        <p>Changed in the file, applied only after a restart:</p>
        <ul class="needs-restart">
        {{#needsRestart}}
        <li><code>{{.}}</code></li>
        {{/needsRestart}}
        </ul>
        {{/hasNeedsRestart}}
        </section>

        <section id="rejections">
        <h2>Recent rejections</h2>
        {{#hasRejections}}
        <table>
        <thead><tr><th>Time</th><th>Source</th><th>Client</th><th>Status</th><th>Reason</th></tr></thead>
        <tbody>
        {{#rejections}}
        <tr class="rejection"><td>{{time}}</td><td>{{source}}</td><td><code>{{client}}</code></td><td>{{status}}</td><td class="reason">{{reason}}</td></tr>
        {{/rejections}}
        </tbody>
        </table>
        {{/hasRejections}}
        {{#rejectionsHidden}}
        <p class="muted">{{rejectionsHidden}} older rejection(s) not shown; <code>GET /api/rejections</code> lists them.</p>
        {{/rejectionsHidden}}
        {{^rejections}}
        <p class="none">No rejections.</p>
        {{/rejections}}
        </section>
        </body>
        </html>

        """
}
