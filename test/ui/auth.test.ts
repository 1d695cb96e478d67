// `burr-ts ui --host`: every request needs the token the server printed, the
// page and the event stream included; once in the URL it becomes a cookie.
// Also the token helpers themselves (constant-time comparison).
import { strict as assert } from "node:assert";
import { request } from "node:http";
import type { Browser } from "playwright-core";
import { tokensEqual } from "../../runtime/src/cli/ui/auth.js";
import { startUiCommand } from "../../runtime/src/cli/ui/command.js";
import type { UiServer } from "../../runtime/src/cli/ui/server.js";
import { tempDir } from "../runs/helpers.js";
import { chatbotSteps, writeRun } from "../runs/writeRun.js";
import { launchChromium, openUi, requireBrowser, row, runView } from "./harness.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the headers given (cookies included), read to its end or its first bytes for a stream. */
function send(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
        // An event stream stays open: its first frame is enough.
        if (res.headers["content-type"]?.startsWith("text/event-stream")) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        }
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("burr-ts ui --host: token required", function () {
  this.timeout(120_000);
  let server: UiServer;
  let t: { dir: string; dispose: () => void };
  let token: string;
  let base: string;
  const printed: string[] = [];

  before(async () => {
    t = tempDir("ui-auth");
    writeRun(t.dir, "chatbot", "app-1", chatbotSteps(2));
    const started = await startUiCommand(["--host", "0.0.0.0", "--port", "0", "--tracking-dir", t.dir], { out: (l) => printed.push(l), err: (l) => printed.push(l) });
    assert.ok(typeof started !== "number", printed.join("\n"));
    server = started;
    const m = /token=([A-Za-z0-9_-]+)/.exec(printed.join("\n"));
    assert.ok(m, `the token is printed: ${printed.join("\n")}`);
    token = m[1];
    const port = new URL(server.url).port;
    base = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await server?.close();
    t?.dispose();
  });

  it("prints a URL with a long random token", () => {
    assert.ok(token.length >= 32);
    assert.match(printed.join("\n"), /every request needs the token/);
  });

  it("refuses the page, the API, the assets and the event stream without the token (401)", async () => {
    for (const path of ["/", "/api/sources", "/api/events", "/assets/shell.js", "/frames/runs.html", "/api/apps?source=dir&project=chatbot"]) {
      const r = await send(base + path);
      assert.equal(r.status, 401, path);
      assert.match(JSON.parse(r.body).error.message, /token is required/);
    }
    assert.equal((await send(`${base}/api/sources`, { "x-burr-token": `${token}x` })).status, 401);
    assert.equal((await send(`${base}/api/sources`, { cookie: "burr_ui_token=wrong" })).status, 401);
    assert.equal((await send(`${base}/api/sources?token=${token.slice(1)}`)).status, 401);
  });

  it("accepts the token once in the URL (then a cookie), or in a header", async () => {
    const first = await send(`${base}/?token=${token}`);
    assert.equal(first.status, 303);
    assert.equal(first.headers.location, "/");
    const cookie = String(first.headers["set-cookie"]).split(";")[0];
    assert.match(String(first.headers["set-cookie"]), /HttpOnly; SameSite=Strict/);
    assert.equal((await send(`${base}/`, { cookie })).status, 200);
    assert.equal((await send(`${base}/api/sources`, { cookie })).status, 200);
    const stream = await send(`${base}/api/events`, { cookie });
    assert.equal(stream.status, 200);
    assert.match(stream.body, /connected/);
    assert.equal((await send(`${base}/api/sources`, { "x-burr-token": token })).status, 200);
    assert.equal((await send(`${base}/api/sources`, { authorization: `Bearer ${token}` })).status, 200);
  });

  it("works in a browser from the printed URL", async function () {
    requireBrowser(this);
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const ui = await openUi(browser, `${base}/?token=${token}#/dir/chatbot/app-1/1`);
      await runView(ui.page).locator("h1", { hasText: "safetyCheck" }).waitFor();
      assert.doesNotMatch(ui.page.url(), /token=/);
      await row(ui.page, "dir/chatbot/app-1").waitFor();
      await ui.page.waitForFunction(() => document.querySelector(".live")?.textContent === "live");
      assert.deepEqual(ui.errors, []);
      await ui.close();
    } finally {
      await browser?.close();
    }
  });

  it("compares tokens in constant time over equal-length digests", () => {
    assert.equal(tokensEqual("abc", "abc"), true);
    assert.equal(tokensEqual("abc", "abd"), false);
    assert.equal(tokensEqual("", "abc"), false);
    assert.equal(tokensEqual("abc".repeat(1000), "abc"), false);
  });
});
