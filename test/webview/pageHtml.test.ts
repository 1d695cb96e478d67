// The one page builder both views and both hosts (the extension, `burr-ts ui`)
// use: its CSP per view, nonced scripts in order, and escaping of every value
// that lands in an attribute or the title.
import { strict as assert } from "node:assert";
import { makeNonce, pageCsp, pageHtml, readInitial } from "../../webview/src/shared/page.js";

describe("webview: the page builder", () => {
  const asset = (f: string) => `https://cdn.example/${f}?v="1"&x=<y>`;

  it("runs page: one CSP, the view's assets, pre-scripts before the bundle, all with the nonce", () => {
    const nonce = makeNonce();
    const html = pageHtml({ view: "runs", cspSource: "'self'", nonce, asset: (f) => `/assets/${f}`, title: "Burr run", preScripts: ["/assets/browser.js"], connectSrc: ["http://127.0.0.1:7241"] });
    assert.equal(pageCsp({ view: "runs", cspSource: "'self'", nonce, connectSrc: ["http://127.0.0.1:7241"] }),
      `default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; script-src 'nonce-${nonce}'; connect-src 'self' http://127.0.0.1:7241`);
    const scripts = [...html.matchAll(/<script nonce="([^"]+)" src="([^"]+)"><\/script>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(scripts, [[nonce, "/assets/browser.js"], [nonce, "/assets/runs.js"]]);
    assert.ok(html.includes('<link rel="stylesheet" href="/assets/runs.css">'));
    assert.ok(html.includes('<main id="app" aria-live="polite">'));
    assert.ok(!html.includes("data-layout-worker"), "the run view has no layout worker");
    assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/, "128 bits, base64");
    assert.notEqual(makeNonce(), nonce);
  });

  it("graph page: the layout worker's URL on <body> and worker-src blob:", () => {
    const html = pageHtml({ view: "graph", cspSource: "vscode-resource:", nonce: "n", asset: (f) => `/w/${f}`, title: "g", bodyClass: "vscode-dark" });
    assert.ok(html.includes('<body class="vscode-dark" data-layout-worker="/w/layoutWorker.js">'));
    assert.ok(html.includes("worker-src blob:"));
  });

  it("escapes the title and every URL, so no value can close its attribute or add markup", () => {
    const html = pageHtml({ view: "graph", cspSource: "x", nonce: `"><script>alert(1)</script>`, asset, title: "</title><script>alert(1)</script>", bodyClass: `a" onload="alert(1)` });
    assert.ok(!html.includes("<script>alert"), html);
    assert.ok(!html.includes(`" onload=`), html);
    assert.ok(html.includes("<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
    assert.ok(html.includes('href="https://cdn.example/graph.css?v=&quot;1&quot;&amp;x=&lt;y&gt;"'));
  });

  it("inlines the view's script and stylesheet with the nonce, escaping what would end their elements", () => {
    const html = pageHtml({
      view: "graph", cspSource: "vscode-resource:", nonce: "n0nce", asset: (f) => `/w/${f}`, title: "g",
      inline: { script: 'const s = "</script><b>x</b>";', style: "body { content: '</style>'; }" },
    });
    assert.ok(!html.includes('src="/w/graph.js"') && !html.includes('href="/w/graph.css"'), "nothing linked");
    assert.ok(html.includes('<script nonce="n0nce">const s = "<\\/script><b>x</b>";</script>'), html);
    assert.ok(html.includes("<style nonce=\"n0nce\">body { content: '<\\/style>'; }</style>"), html);
    assert.match(pageCsp({ view: "graph", cspSource: "vscode-resource:", nonce: "n0nce", inline: { script: "", style: "" } }), /style-src vscode-resource: 'nonce-n0nce';/);
    assert.ok(html.includes('data-layout-worker="/w/layoutWorker.js"'), "the worker is still fetched");
  });

  it("puts initial data in a JSON element no value can break out of, and reads it back", () => {
    const initial = { title: "</script><script>alert(1)</script><!--", n: 1 };
    const html = pageHtml({ view: "graph", cspSource: "x", nonce: "n", asset: (f) => f, title: "g", initial });
    assert.ok(!html.includes("<script>alert"), html);
    const body = /<script type="application\/json" id="burr-initial">([^<]*)<\/script>/.exec(html)?.[1];
    assert.ok(body, html);
    assert.deepEqual(readInitial({ getElementById: (id) => (id === "burr-initial" ? { textContent: body } : null) }), initial);
    assert.equal(readInitial({ getElementById: () => null }), undefined);
    assert.equal(readInitial({ getElementById: () => ({ textContent: "{not json" }) }), undefined);
  });
});
