// Zoom (wheel, buttons, keys), pan (drag) and fit, applied as one transform on
// the drawing's root group. Remembers whether the user moved the view, so a
// resize refits only a view the user has not touched.
import type { DrawnGraph } from "./render.js";

export interface ViewTransform {
  x: number;
  y: number;
  k: number;
}

const MIN_SCALE = 0.1;
const MAX_SCALE = 3;
const FIT_MAX_SCALE = 1.25;
const FIT_MARGIN = 24;
/** A pointer that moved less than this between down and up was a click, not a drag. */
export const CLICK_SLOP = 4;

export class Viewport {
  private t: ViewTransform = { x: 0, y: 0, k: 1 };
  private bounds: DrawnGraph["bounds"] = { x: 0, y: 0, width: 0, height: 0 };
  userMoved = false;
  private drag: { x: number; y: number; t: ViewTransform; moved: boolean } | null = null;
  /** True right after a drag ended: the click that follows is not a click on a node. */
  dragged = false;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly root: SVGGElement,
    private readonly onChange: (t: ViewTransform) => void,
    /** Space the toolbar (top) and the problem list (bottom) cover, which a fit leaves free. */
    private readonly insets: () => { top: number; bottom: number } = () => ({ top: 0, bottom: 0 }),
  ) {
    svg.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    svg.addEventListener("pointerdown", (e) => this.onDown(e));
    svg.addEventListener("pointermove", (e) => this.onMove(e));
    svg.addEventListener("pointerup", (e) => this.onUp(e));
    svg.addEventListener("pointercancel", (e) => this.onUp(e));
    new ResizeObserver(() => {
      if (!this.userMoved) this.fit();
    }).observe(svg);
  }

  get transform(): ViewTransform {
    return { ...this.t };
  }

  setBounds(bounds: DrawnGraph["bounds"]): void {
    this.bounds = bounds;
  }

  set(t: ViewTransform, byUser: boolean): void {
    this.t = { x: t.x, y: t.y, k: clamp(t.k, MIN_SCALE, MAX_SCALE) };
    if (byUser) this.userMoved = true;
    this.root.setAttribute("transform", `translate(${this.t.x},${this.t.y}) scale(${this.t.k})`);
    this.onChange(this.transform);
  }

  fit(): void {
    const { width, height: full } = this.svg.getBoundingClientRect();
    const { top, bottom } = this.insets();
    const height = Math.max(full / 2, full - top - bottom);
    const offset = full - top - bottom >= full / 2 ? top : 0;
    const b = this.bounds;
    if (width === 0 || height === 0 || b.width === 0) return;
    const k = clamp(Math.min((width - 2 * FIT_MARGIN) / b.width, (height - 2 * FIT_MARGIN) / b.height, FIT_MAX_SCALE), MIN_SCALE, MAX_SCALE);
    this.set({ k, x: (width - b.width * k) / 2 - b.x * k, y: offset + (height - b.height * k) / 2 - b.y * k }, false);
    this.userMoved = false;
  }

  /** Zoom by a factor around a point in screen coordinates (the centre by default). */
  zoom(factor: number, at?: { x: number; y: number }): void {
    const rect = this.svg.getBoundingClientRect();
    const px = at ? at.x - rect.left : rect.width / 2;
    const py = at ? at.y - rect.top : rect.height / 2;
    const k = clamp(this.t.k * factor, MIN_SCALE, MAX_SCALE);
    const ratio = k / this.t.k;
    this.set({ k, x: px - (px - this.t.x) * ratio, y: py - (py - this.t.y) * ratio }, true);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    if (e.ctrlKey || e.metaKey || Math.abs(e.deltaY) >= Math.abs(e.deltaX)) {
      this.zoom(Math.exp(-e.deltaY * 0.0015), { x: e.clientX, y: e.clientY });
    } else {
      this.set({ ...this.t, x: this.t.x - e.deltaX }, true);
    }
  }

  private onDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, t: this.transform, moved: false };
    this.dragged = false;
  }

  private onMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
    if (!d.moved) {
      d.moved = true;
      this.svg.setPointerCapture(e.pointerId);
      this.svg.classList.add("panning");
    }
    this.set({ k: d.t.k, x: d.t.x + dx, y: d.t.y + dy }, true);
  }

  private onUp(e: PointerEvent): void {
    if (!this.drag) return;
    this.dragged = this.drag.moved;
    this.drag = null;
    this.svg.classList.remove("panning");
    if (this.svg.hasPointerCapture(e.pointerId)) this.svg.releasePointerCapture(e.pointerId);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
