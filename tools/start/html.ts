// Shared markup of the local pages: escaping, the frame every page sits in, and its styles.
// Plain HTML and a few lines of script: this is a developer tool, not the app (the app's sidebar
// is built with crayons).

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON for a <script> block: no `</script>` can end it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const NAV = [
  ['/', 'Overview'],
  ['/web/test', 'Test events'],
  ['/notes', 'Notes'],
  ['/custom_configs', 'Installation'],
] as const;

const STYLE = `
:root { --ink: #12344d; --muted: #475867; --line: #cfd7df; --soft: #f5f7f9; --blue: #2c5cc5; --ok: #00795b; --bad: #c82124; --note: #fff8e1; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: var(--ink); background: #ebeff3; }
header { background: var(--ink); color: #fff; padding: 10px 24px; display: flex; gap: 24px; align-items: center; }
header strong { font-size: 15px; }
header nav a { color: #dbe4ff; text-decoration: none; margin-right: 16px; }
header nav a[aria-current="page"] { color: #fff; font-weight: 600; border-bottom: 2px solid #fff; }
main { padding: 20px 24px; max-width: 1280px; }
h1 { font-size: 20px; margin: 0 0 12px; } h2 { font-size: 16px; margin: 20px 0 8px; } h3 { font-size: 14px; margin: 12px 0 6px; }
a { color: var(--blue); }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin-bottom: 16px; }
.grid { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(360px, 1.3fr); gap: 16px; align-items: start; }
button, select, input, textarea { font: inherit; color: inherit; }
button { padding: 5px 14px; border: 1px solid var(--line); border-radius: 4px; background: var(--soft); cursor: pointer; }
button.primary { background: var(--blue); border-color: var(--blue); color: #fff; }
button:disabled { opacity: .6; cursor: progress; }
select, input[type="text"], input[type="number"], input[type="password"], textarea { border: 1px solid var(--line); border-radius: 4px; padding: 5px 8px; background: #fff; }
textarea { width: 100%; font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; }
pre { background: var(--soft); padding: 10px 12px; border-radius: 4px; white-space: pre-wrap; word-break: break-word; font-size: 12px; margin: 0; }
.row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 8px 0; }
.muted { color: var(--muted); } .small { font-size: 12px; }
.verdict { font-weight: 600; padding: 6px 10px; border-radius: 4px; display: inline-block; }
.verdict.ok { background: #e0f5f1; color: var(--ok); } .verdict.bad { background: #ffecf0; color: var(--bad); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #ebeff3; vertical-align: top; }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; background: #ebeff3; }
.pill.resolved { background: #e0f5f1; color: var(--ok); } .pill.new, .pill.reopened { background: #e5f2fd; color: var(--blue); } .pill.assigned { background: #fff3e0; color: #a35b00; }
.conversation { margin-bottom: 14px; }
.message { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 6px 0; background: #fff; max-width: 640px; }
.message.private { background: var(--note); border-color: #f3d9a4; }
.message .meta { font-size: 12px; color: var(--muted); display: flex; gap: 8px; margin-bottom: 4px; }
.message .text { white-space: pre-wrap; }
.csat { font-size: 12px; margin: 4px 0; }
`;

export function page(title: string, current: string, body: string, script = ''): string {
  const nav = NAV.map(([href, label]) => '<a href="' + href + '"' + (href === current ? ' aria-current="page"' : '') + '>' + label + '</a>').join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Call Sync for Freshchat (local)</title>
<style>${STYLE}</style></head>
<body><header><strong>Call Sync for Freshchat · local run</strong><nav>${nav}</nav></header>
<main>${body}</main>${script ? '<script>' + script + '</script>' : ''}</body></html>`;
}
