// Who may talk to the runs UI server. On loopback (the default) anyone on this
// machine may, but only through a loopback Host header (a web page cannot
// rebind its own domain onto 127.0.0.1 and read runs). With --host every
// request, the event stream included, needs the token printed at start: once
// in the URL (?token=…, then kept in an HttpOnly cookie) or in a header.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const TOKEN_COOKIE = "burr_ui_token";
export const TOKEN_HEADER = "x-burr-token";

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Constant-time: both sides are hashed to the same length first. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export type AuthOutcome =
  /** Go on. */
  | { ok: true }
  /** The token came in the query: set the cookie and send the browser to the same URL without it. */
  | { ok: true; setCookie: string; redirectTo: string }
  | { ok: false; status: 401 | 403; message: string };

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function hostName(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader);
  return m ? m[1].toLowerCase() : null;
}

export function authorize(req: IncomingMessage, url: URL, token: string | null): AuthOutcome {
  if (token === null) {
    const host = hostName(req.headers.host);
    if (host === null || !LOOPBACK_HOSTS.has(host)) {
      return { ok: false, status: 403, message: `This server answers loopback requests only (Host "${req.headers.host ?? ""}"); start it with --host to serve other hosts (a token is then required).` };
    }
    return { ok: true };
  }
  const fromQuery = url.searchParams.get("token");
  const header = req.headers[TOKEN_HEADER];
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;
  const given = fromQuery ?? (typeof header === "string" ? header : null) ?? bearer ?? cookieValue(req.headers.cookie, TOKEN_COOKIE);
  if (given === null || !tokensEqual(given, token)) {
    return { ok: false, status: 401, message: "A token is required: open the URL `burr-ts ui` printed (it carries ?token=…), or send the X-Burr-Token header." };
  }
  if (fromQuery !== null && req.method === "GET" && !url.pathname.startsWith("/api/")) {
    const clean = new URL(url);
    clean.searchParams.delete("token");
    return {
      ok: true,
      setCookie: `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      redirectTo: `${clean.pathname}${clean.search}`,
    };
  }
  return { ok: true };
}

/**
 * Writes must be JSON from this origin: a form post or a cross-site fetch
 * cannot set application/json without a preflight, which this server never
 * grants, and a browser that sends Origin must send ours.
 */
export function checkWrite(req: IncomingMessage, bodyless: boolean): string | null {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!bodyless && type !== "application/json") return "Writes take a JSON body (Content-Type: application/json).";
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== "null") {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return `Origin "${origin}" is not a URL.`;
    }
    if (host !== req.headers.host) return `Cross-origin write refused (Origin ${origin}).`;
  } else if (origin === "null") return "Cross-origin write refused (Origin null).";
  return null;
}
