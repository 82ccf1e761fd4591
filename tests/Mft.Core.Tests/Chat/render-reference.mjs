// Renders chat templates with @huggingface/jinja, the reference Mft's ChatTemplate is checked against.
// stdin:  {"template": "...", "cases": [{"messages": [...], "add_generation_prompt": bool,
//          "bos_token": str|null, "eos_token": str|null, "extra": {...}, "now": "2026-01-02T03:04:05Z"|null}]}
// stdout: [{"ok": true, "text": "..."} | {"ok": false, "error": "..."}], one per case.
// The package is loaded from the npm prefix in MFT_NPM_PREFIX. Run with TZ=UTC so frozen dates read the same here and in .NET.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const prefix = process.env.MFT_NPM_PREFIX;
if (!prefix) throw new Error("MFT_NPM_PREFIX is not set");
const { Template } = await import(pathToFileURL(join(prefix, "node_modules/@huggingface/jinja/dist/index.js")).href);

const input = JSON.parse(readFileSync(0, "utf8"));
const RealDate = Date;
const results = [];
let template = null;
let parseError = null;
try {
  template = new Template(input.template);
} catch (e) {
  parseError = String(e?.message ?? e);
}
for (const c of input.cases) {
  if (parseError !== null) {
    results.push({ ok: false, error: parseError });
    continue;
  }
  // Freeze "now" for strftime_now by replacing the argument-less Date constructor.
  globalThis.Date = c.now
    ? class extends RealDate {
        constructor(...args) {
          if (args.length === 0) super(c.now);
          else super(...args);
        }
      }
    : RealDate;
  const context = { messages: c.messages, add_generation_prompt: c.add_generation_prompt, ...(c.extra ?? {}) };
  if (c.bos_token != null) context.bos_token = c.bos_token;
  if (c.eos_token != null) context.eos_token = c.eos_token;
  try {
    results.push({ ok: true, text: template.render(context) });
  } catch (e) {
    results.push({ ok: false, error: String(e?.message ?? e) });
  }
}
globalThis.Date = RealDate;
process.stdout.write(JSON.stringify(results));
