// Where the browser runs UI is, in the URL's hash, so a reload or a shared
// link opens the same step or graph: #/<source>/<project>/<app>/<step|graph>.
export interface Route {
  source: string;
  project: string;
  app: string;
  step: number | "graph";
}

export function routeHash(r: Route): string {
  return `#/${[r.source, r.project, r.app, String(r.step)].map(encodeURIComponent).join("/")}`;
}

export function parseRoute(hash: string): Route | null {
  const parts = hash.replace(/^#\/?/, "").split("/");
  if (parts.length !== 4) return null;
  let decoded: string[];
  try {
    decoded = parts.map(decodeURIComponent);
  } catch {
    return null;
  }
  const [source, project, app, step] = decoded;
  if (!source || !project || !app) return null;
  if (step === "graph") return { source, project, app, step };
  return /^\d+$/.test(step) ? { source, project, app, step: Number(step) } : null;
}
