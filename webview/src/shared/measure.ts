// Text widths for layout, measured once per string with a canvas in the page's
// own font, so elkjs leaves exactly the room the rendered text takes.
let ctx: CanvasRenderingContext2D | null = null;
const cache = new Map<string, number>();

export function textWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  ctx ??= document.createElement("canvas").getContext("2d");
  let width = text.length * 7; // no canvas (should not happen): a generous guess
  if (ctx) {
    ctx.font = font;
    width = ctx.measureText(text).width;
  }
  if (cache.size > 5000) cache.clear();
  cache.set(key, width);
  return width;
}

/** The page's UI font family, as VS Code sets it, for canvas font strings. */
export function uiFontFamily(): string {
  const family = getComputedStyle(document.body).getPropertyValue("--vscode-font-family").trim();
  return family || getComputedStyle(document.body).fontFamily || "sans-serif";
}

export function editorFontFamily(): string {
  const family = getComputedStyle(document.body).getPropertyValue("--vscode-editor-font-family").trim();
  return family || "monospace";
}
