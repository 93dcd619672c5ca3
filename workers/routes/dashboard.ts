import { Hono } from "hono";
import { script, styles } from "../../snippets/dist/dashboard";
import type { AppEnv } from "../types";

/**
 * Only this origin's script and API; inline style for the page's own stylesheet (uPlot's and
 * ours, below) and the sizes uPlot sets on its elements; canvas images as data: URLs.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const HEADERS = {
  "Content-Security-Policy": DASHBOARD_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const PAGE_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#111827;background:#f9fafb}
#app{max-width:1180px;margin:0 auto;padding:16px 24px}
header{display:flex;justify-content:space-between;align-items:center}
h1{font-size:20px;margin:8px 0}h2{font-size:17px;margin:18px 0 8px}
button{font:inherit;padding:4px 10px;border:1px solid #d1d5db;border-radius:6px;background:#fff;cursor:pointer}
button:disabled{opacity:.6;cursor:wait}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e5e7eb}
.error{color:#b91c1c;min-height:1em;margin:4px 0}
.signin{max-width:360px;margin:12vh auto;display:flex;flex-direction:column;gap:8px}
.signin input{font:inherit;padding:6px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.stat{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px 14px;min-width:120px}
.stat .label{color:#6b7280;font-size:12px}.stat .value{font-size:20px;font-weight:600}
.status-active{color:#15803d}.status-paused,.status-draft,.status-archived{color:#6b7280}
.range{display:flex;gap:8px;align-items:center;margin:8px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:10px;margin:10px 0}
.chart{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:6px;min-width:0}
.muted{color:#6b7280;margin:0}
`;

/** A static shell: no data, no key; the script builds everything with DOM calls. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Nudge dashboard</title>
<link rel="icon" href="data:,">
<style>${styles}${PAGE_STYLE}</style>
</head>
<body>
<div id="app"><noscript>The dashboard needs JavaScript.</noscript></div>
<script src="/dashboard.js"></script>
</body>
</html>
`;

/** `/dashboard`: the shop's campaigns, flows and their results in the browser, signed in with a secret key. */
export const dashboardRoute = new Hono<AppEnv>()
  .get("/dashboard", (c) => c.html(PAGE, 200, HEADERS))
  .get("/dashboard.js", (c) => c.body(script, 200, { ...HEADERS, "Content-Type": "application/javascript; charset=utf-8" }));
