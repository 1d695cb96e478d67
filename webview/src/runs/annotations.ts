// The run view's Annotations card: the shown step's annotations (tags, verdict,
// note, ground truth, pointers, the span they are about), a tag filter, and
// the form to add, edit and delete them. Changes go to the host as messages;
// the list redraws from the host's `annotations` answer, never optimistically,
// so what is shown is what is stored.
import type { Annotation, AnnotationDraft, HostToRunView, RunViewToHost, StepAnnotations, StepViewData } from "../protocol/runs.js";
import { el, section } from "../shared/dom.js";
import { annotationForm, type FormHandle } from "./annotationForm.js";

type Post = (m: RunViewToHost) => void;

interface Editing {
  /** The annotation edited, null for a new one. */
  annotation: Annotation | null;
  form: FormHandle;
  requestId: number | null;
}

export class AnnotationsCard {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly head: HTMLElement;
  private step: StepViewData | null = null;
  private data: StepAnnotations | null = null;
  private editing: Editing | null = null;
  private filterTag: string | null = null;
  private nextRequest = 1;
  /** Delete requests in flight, by request id (the annotation's id). */
  private readonly deleting = new Map<number, number>();
  private confirmDelete: number | null = null;
  private error: string | null = null;

  constructor(private readonly post: Post) {
    const { root, body, head } = section("Annotations", "annotations wide");
    this.root = root;
    this.body = body;
    this.head = head;
  }

  /** A new step is shown: forget its predecessor's form and filter. */
  showStep(step: StepViewData): void {
    const same = this.step && this.data && this.step.appId === step.appId && this.step.sequenceId === step.sequenceId && this.step.project === step.project;
    this.step = step;
    if (!same) {
      this.data = null;
      this.editing = null;
      this.filterTag = null;
      this.confirmDelete = null;
      this.error = null;
    }
    this.draw();
  }

  /** Handles the host's annotation messages; false for messages of another kind. */
  receive(m: HostToRunView): boolean {
    if (m.type === "annotations") {
      const s = this.step;
      if (s && (m.data.appId !== s.appId || m.data.sequenceId !== s.sequenceId || m.data.project !== s.project)) return true; // stale: another step's
      if (this.data && JSON.stringify(this.data) === JSON.stringify(m.data)) return true;
      this.data = m.data;
      if (this.filterTag && !m.data.annotations.some((a) => a.tags.includes(this.filterTag!))) this.filterTag = null;
      this.draw();
      return true;
    }
    if (m.type === "annotationResult") {
      if (this.editing?.requestId === m.requestId) {
        if (m.ok) this.editing = null;
        else {
          this.editing.requestId = null;
          this.editing.form.setBusy(false);
          this.editing.form.setStatus(m.error ?? "The host could not save the annotation.", true);
          return true;
        }
      } else if (this.deleting.has(m.requestId)) {
        this.deleting.delete(m.requestId);
        this.error = m.ok ? null : m.error ?? "The host could not delete the annotation.";
      }
      this.draw();
      return true;
    }
    return false;
  }

  private draw(): void {
    const d = this.data;
    const count = d ? d.annotations.length : 0;
    this.head.querySelector("h2")!.textContent = count ? `Annotations (${count})` : "Annotations";
    for (const extra of [...this.head.children].slice(1)) extra.remove();
    // The open form stays where it is (never detached, so typing keeps its focus); the rest is drawn again.
    const form = this.editing?.form.root ?? null;
    for (const child of [...this.body.children]) if (child !== form) child.remove();
    if (form && form.parentElement !== this.body) this.body.append(form);
    const before = (node: Node) => this.body.insertBefore(node, form);
    if (!this.step) return;
    if (!d) {
      before(el("p", "muted", "Loading annotations…"));
      return;
    }
    if (d.writable && !this.editing) {
      const add = el("button", "primary annot-add", "Annotate");
      add.type = "button";
      add.addEventListener("click", () => this.openForm(null));
      this.head.append(add);
    }
    if (!d.writable) before(el("p", "muted annot-readonly", d.readOnlyReason ?? "Annotations cannot be stored for this run."));
    if (this.error) before(el("p", "annot-error", this.error));
    const tags = [...new Set(d.annotations.flatMap((a) => a.tags))].sort();
    if (tags.length) before(this.filterBar(tags));
    const shown = d.annotations.filter((a) => !this.filterTag || a.tags.includes(this.filterTag));
    const list = el("div", "annot-list");
    for (const a of shown) list.append(this.item(a));
    if (!d.annotations.length && !this.editing) before(el("p", "muted annot-empty", d.writable ? "No annotations on this step yet." : "No annotations on this step."));
    before(list);
  }

  private filterBar(tags: string[]): HTMLElement {
    const bar = el("div", "annot-filter");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Filter by tag");
    bar.append(el("span", "muted", "Filter:"));
    for (const t of [null, ...tags]) {
      const b = el("button", "tag-chip", t ?? "all");
      b.type = "button";
      if (t !== null) b.dataset.tag = t;
      b.setAttribute("aria-pressed", String(this.filterTag === t));
      b.addEventListener("click", () => {
        this.filterTag = t;
        this.draw();
      });
      bar.append(b);
    }
    return bar;
  }

  private item(a: Annotation): HTMLElement {
    const art = el("article", "annotation");
    art.dataset.annotationId = String(a.id);
    const head = el("div", "annot-head");
    const span = a.span_id ? this.step?.spans.find((s) => s.spanId === a.span_id) : undefined;
    head.append(el("span", "annot-id", `#${a.id}`), el("span", "annot-about", a.span_id ? `span ${span?.name || a.span_id}` : "step"));
    for (const o of a.observations) {
      // Text marks, not emoji: a webview may have no emoji font.
      if (o.thumbs_up_thumbs_down !== null) head.append(el("span", `verdict-pill verdict-${o.thumbs_up_thumbs_down ? "up" : "down"}`, o.thumbs_up_thumbs_down ? "✓ good" : "✗ bad"));
    }
    const tagBox = el("span", "annot-tags-shown");
    for (const t of a.tags) tagBox.append(el("span", "tag", t));
    head.append(tagBox, el("span", "muted annot-time", `updated ${new Date(a.updated).toLocaleString()}`));
    art.append(head);
    for (const o of a.observations) {
      const note = o.data_fields.note;
      if (typeof note === "string" && note) art.append(el("p", "annot-note-shown", note));
      const truth = o.data_fields.ground_truth;
      if (truth !== undefined && truth !== null && truth !== "") {
        const gt = el("div", "annot-truth-shown");
        gt.append(el("span", "muted", "Ground truth"), el("pre", undefined, typeof truth === "string" ? truth : JSON.stringify(truth, null, 2)));
        art.append(gt);
      }
      if (o.data_pointers.length) {
        const ul = el("ul", "annot-pointers-shown");
        for (const p of o.data_pointers) {
          const li = el("li");
          li.append(el("span", "pointer-kind", p.type === "state_field" ? "state" : "attribute"), " ", el("span", "json-key", p.field_name));
          if (p.span_id) li.append(el("span", "muted", ` (span ${this.step?.spans.find((s) => s.spanId === p.span_id)?.name || p.span_id})`));
          ul.append(li);
        }
        art.append(ul);
      }
    }
    if (this.data?.writable) art.append(this.itemActions(a));
    return art;
  }

  private itemActions(a: Annotation): HTMLElement {
    const bar = el("div", "annot-item-actions");
    const busy = [...this.deleting.values()].includes(a.id);
    if (this.confirmDelete === a.id) {
      const yes = el("button", "secondary annot-confirm-delete", busy ? "Deleting…" : `Delete #${a.id}`);
      yes.type = "button";
      yes.disabled = busy;
      yes.addEventListener("click", () => {
        const requestId = this.nextRequest++;
        this.deleting.set(requestId, a.id);
        this.post({ type: "deleteAnnotation", requestId, id: a.id });
        this.draw();
      });
      const no = el("button", "secondary annot-keep", "Keep");
      no.type = "button";
      no.addEventListener("click", () => {
        this.confirmDelete = null;
        this.draw();
      });
      bar.append(yes, no);
      return bar;
    }
    const edit = el("button", "secondary annot-edit", "Edit");
    edit.type = "button";
    edit.addEventListener("click", () => this.openForm(a));
    const del = el("button", "secondary annot-delete", "Delete");
    del.type = "button";
    del.addEventListener("click", () => {
      this.confirmDelete = a.id;
      this.draw();
    });
    bar.append(edit, del);
    return bar;
  }

  private openForm(annotation: Annotation | null): void {
    if (!this.step || !this.data) return;
    const form = annotationForm({
      step: this.step,
      editing: annotation,
      projectTags: this.data.projectTags,
      onSubmit: (draft: AnnotationDraft) => {
        if (!this.editing) return;
        const requestId = this.nextRequest++;
        this.editing.requestId = requestId;
        form.setBusy(true);
        form.setStatus("Saving…", false);
        this.post(annotation ? { type: "updateAnnotation", requestId, id: annotation.id, draft } : { type: "annotate", requestId, draft });
      },
      onCancel: () => {
        this.editing = null;
        this.draw();
      },
    });
    this.editing = { annotation, form, requestId: null };
    this.draw();
    form.root.querySelector<HTMLInputElement>(".annot-tags")?.focus();
  }
}
