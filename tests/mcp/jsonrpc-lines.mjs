// Checks that every line of the given files is one JSON-RPC 2.0 message, as
// the stdio transport of MCP allows on a server's stdout: a response (an id
// that is a string, an integer or null, and exactly one of result and error,
// an error with an integer code and a string message) or a notification (a
// method, no id). Prints each offending line and exits 1 when there is one.
//   node jsonrpc-lines.mjs FILE...
import { readFileSync } from "node:fs";

let bad = 0;
let lines = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  if (text.length && !text.endsWith("\n")) {
    console.log(`${file}: the last line has no newline`);
    bad++;
  }
  const all = text.split("\n");
  all.forEach((line, i) => {
    if (i === all.length - 1 && line === "") return;
    lines++;
    const where = `${file}:${i + 1}`;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (e) {
      console.log(`${where}: not JSON: ${line.slice(0, 200)}`);
      bad++;
      return;
    }
    const problem = check(msg);
    if (problem) {
      console.log(`${where}: ${problem}: ${line.slice(0, 200)}`);
      bad++;
    }
  });
}
console.log(`${lines} lines, ${bad} not JSON-RPC messages`);
process.exit(bad ? 1 : 0);

function check(m) {
  if (typeof m !== "object" || m === null || Array.isArray(m)) return "not an object";
  if (m.jsonrpc !== "2.0") return 'no "jsonrpc": "2.0"';
  if ("method" in m) {
    if (typeof m.method !== "string") return "a method that is no string";
    if ("id" in m) return "a server request (the server sends none) or a notification with an id";
    return null;
  }
  if (!("id" in m)) return "neither a response nor a notification";
  const id = m.id;
  if (!(id === null || typeof id === "string" || Number.isInteger(id))) return "a bad id";
  if (("result" in m) === ("error" in m)) return "not exactly one of result and error";
  if ("result" in m && (typeof m.result !== "object" || m.result === null || Array.isArray(m.result)))
    return "a result that is no object";
  if ("error" in m) {
    const e = m.error;
    if (typeof e !== "object" || e === null || !Number.isInteger(e.code) || typeof e.message !== "string")
      return "an error without an integer code and a message";
  }
  return null;
}
