/** Small server-rendered pages: the widget demo and the "not built yet" notice. */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The inline stub: queues init() calls made before widget.js (loaded async) arrives. */
const WIDGET_STUB = 'window.OrbisVoice=window.OrbisVoice||{q:[],init:function(o){this.q.push(["init",o])},open:function(a){this.q.push(["open",a])}};';

export function demoPage(demo: { agentId: string; publishableKey: string } | undefined, origin: string): string {
  const init = demo
    ? `OrbisVoice.init(${JSON.stringify({ agentId: demo.agentId, apiKey: demo.publishableKey, greeting: "Hi! I'm the Riverside Dental receptionist. Ask me about opening hours or book a cleaning.", title: "Riverside Dental" }).replace(/</g, "\\u003c")});`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>OrbisVoice widget demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 16px;color:#111827}code,pre{background:#f3f4f6;border-radius:6px;padding:2px 4px}pre{padding:12px;overflow:auto}a{color:#4338ca}</style>
<script>${WIDGET_STUB}</script>
<script src="/widget.js" async></script>
</head><body>
<h1>OrbisVoice widget demo</h1>
${
  demo
    ? `<p>This page embeds the demo agent <code>${esc(demo.agentId)}</code>. Click the round button at the bottom right, agree to the notice, and talk (or type).</p>`
    : `<p><strong>No demo agent on this server.</strong> Open <code>/demo?agentId=agt_…&amp;key=pk_…</code> with an agent and a publishable key whose allowed origins include this origin.</p>`
}
<p>Embed it on your own site with:</p>
<pre>&lt;script&gt;${esc(WIDGET_STUB)}&lt;/script&gt;
&lt;script src="${esc(origin)}/widget.js" async&gt;&lt;/script&gt;
&lt;script&gt;OrbisVoice.init({ agentId: "agt_…", apiKey: "pk_…" });&lt;/script&gt;</pre>
<p>See <a href="/examples/embed.html">examples/embed.html</a> and <code>docs/widget.md</code>.</p>
<script>${init}</script>
</body></html>`;
}

export function notBuiltPage(what: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OrbisVoice: build needed</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:640px;margin:60px auto;padding:0 16px">
<h1>OrbisVoice is running, but ${esc(what)} is not built</h1>
<p>Run <code>npm run build</code> (or just <code>npm start</code>, which builds first), then reload this page.</p>
<p>The API is up: see <a href="/docs">/docs</a> and <a href="/healthz">/healthz</a>.</p>
</body></html>`;
}
