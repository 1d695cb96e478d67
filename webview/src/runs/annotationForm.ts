// The annotation form of the run view: what it is about (the step or one of its
// spans), tags, thumbs up/down, a note, a ground truth, and pointers to the
// state fields and attributes it concerns. Builds the form and reads it back as
// an AnnotationDraft in Burr's observation shape. Everything typed is read as
// text and put back as text.
import type { Annotation, AnnotationDataPointer, AnnotationDraft, StepViewData } from "../protocol/runs.js";
import { el } from "../shared/dom.js";

export interface FormHandle {
  root: HTMLFormElement;
  /** Shows why the host refused (or that it is saving); null clears. */
  setStatus(text: string | null, isError: boolean): void;
  setBusy(busy: boolean): void;
}

export interface FormOptions {
  step: StepViewData;
  /** The annotation being edited, or null to create one. */
  editing: Annotation | null;
  projectTags: string[];
  onSubmit(draft: AnnotationDraft): void;
  onCancel(): void;
}

/** Tags as typed: comma separated, trimmed, no empties, no repeats, in order. */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const t of text.split(",").map((s) => s.trim())) if (t && !out.includes(t)) out.push(t);
  return out;
}

const pointerKey = (p: AnnotationDataPointer) => `${p.type}\u0000${p.field_name}\u0000${p.span_id ?? ""}`;

let formCount = 0;

export function annotationForm(o: FormOptions): FormHandle {
  const { step, editing } = o;
  const id = `annot-${++formCount}`;
  const first = editing?.observations[0];
  const form = el("form", "annotation-form");
  form.setAttribute("aria-label", editing ? `Edit annotation ${editing.id}` : "New annotation");
  form.append(el("h3", undefined, editing ? `Edit annotation #${editing.id}` : "New annotation"));

  // What it is about: the step, or one span.
  const target = el("select", "annot-target");
  target.id = `${id}-target`;
  target.append(option("", "The whole step"));
  for (const s of step.spans) target.append(option(s.spanId, `${"  ".repeat(s.depth)}span ${s.name || s.spanId}`));
  target.value = editing?.span_id ?? "";
  if (editing?.span_id && !step.spans.some((s) => s.spanId === editing.span_id)) target.append(option(editing.span_id, `span ${editing.span_id} (not recorded)`));
  target.value = editing?.span_id ?? "";
  form.append(row("About", target, `${id}-target`));

  // Tags, with the project's tags offered.
  const tags = el("input", "annot-tags");
  tags.id = `${id}-tags`;
  tags.type = "text";
  tags.placeholder = "e.g. wrong-answer, golden";
  tags.value = (editing?.tags ?? []).join(", ");
  const list = el("datalist");
  list.id = `${id}-tag-list`;
  for (const t of o.projectTags) list.append(option(t, t));
  tags.setAttribute("list", list.id);
  form.append(row("Tags", tags, tags.id), list);

  // Thumbs: up, down, or no verdict.
  let thumbs: boolean | null = first?.thumbs_up_thumbs_down ?? null;
  const thumbsBox = el("div", "annot-thumbs");
  thumbsBox.setAttribute("role", "radiogroup");
  thumbsBox.setAttribute("aria-label", "Verdict");
  const choices: [boolean | null, string, string][] = [[true, "✓ Good", "up"], [false, "✗ Bad", "down"], [null, "No verdict", "none"]];
  const thumbButtons = choices.map(([value, label, name]) => {
    const b = el("button", "secondary thumb", label);
    b.type = "button";
    b.dataset.thumbs = name;
    b.setAttribute("role", "radio");
    b.addEventListener("click", () => {
      thumbs = value;
      sync();
    });
    return [value, b] as const;
  });
  const sync = () => thumbButtons.forEach(([value, b]) => b.setAttribute("aria-checked", String(value === thumbs)));
  sync();
  thumbsBox.append(...thumbButtons.map(([, b]) => b));
  form.append(row("Verdict", thumbsBox));

  const note = el("textarea", "annot-note");
  note.id = `${id}-note`;
  note.rows = 3;
  note.value = first?.data_fields.note ?? "";
  form.append(row("Note", note, note.id));

  // Ground truth: Burr's UI writes text; another value is shown as JSON and kept unless edited.
  const truthValue = first?.data_fields.ground_truth;
  const truthText = truthValue === undefined || truthValue === null ? "" : typeof truthValue === "string" ? truthValue : JSON.stringify(truthValue, null, 2);
  const truth = el("textarea", "annot-truth");
  truth.id = `${id}-truth`;
  truth.rows = 3;
  truth.placeholder = "What the step should have produced";
  truth.value = truthText;
  form.append(row("Ground truth", truth, truth.id));

  // Pointers: the state fields and the chosen target's attributes.
  const pointerBox = el("fieldset", "annot-pointers");
  pointerBox.append(el("legend", undefined, "Points at"));
  const chosen = new Map((first?.data_pointers ?? []).map((p) => [pointerKey(p), p] as const));
  const boxes = new Map<string, [HTMLInputElement, AnnotationDataPointer]>();
  const drawPointers = () => {
    for (const [k, [box, p]] of boxes) (box.checked ? chosen.set(k, p) : chosen.delete(k));
    boxes.clear();
    pointerBox.replaceChildren(el("legend", undefined, "Points at"));
    const spanId = target.value || null;
    const attrs = spanId ? step.spans.find((s) => s.spanId === spanId)?.attributes ?? {} : step.attributes;
    const offered: AnnotationDataPointer[] = [
      ...Object.keys(step.state ?? {}).filter((k) => !k.startsWith("__")).map((k): AnnotationDataPointer => ({ type: "state_field", field_name: k, span_id: null })),
      ...Object.keys(attrs).map((k): AnnotationDataPointer => ({ type: "attribute", field_name: k, span_id: spanId })),
    ];
    // Pointers already chosen stay visible even when this step does not offer them (e.g. written by Burr's UI).
    for (const p of chosen.values()) if (!offered.some((q) => pointerKey(q) === pointerKey(p))) offered.push(p);
    if (!offered.length) pointerBox.append(el("p", "muted", "This step has no state fields or attributes to point at."));
    for (const p of offered) {
      const label = el("label", "annot-pointer");
      const box = el("input");
      box.type = "checkbox";
      box.checked = chosen.has(pointerKey(p));
      box.dataset.pointer = `${p.type}:${p.field_name}`;
      label.append(box, el("span", "pointer-kind", p.type === "state_field" ? "state" : "attribute"), " ", el("span", "json-key", p.field_name));
      boxes.set(pointerKey(p), [box, p]);
      pointerBox.append(label);
    }
  };
  target.addEventListener("change", drawPointers);
  drawPointers();
  form.append(pointerBox);

  const status = el("p", "annot-status");
  status.setAttribute("role", "status");
  const save = el("button", "primary annot-save", editing ? "Save changes" : "Add annotation");
  save.type = "submit";
  const cancel = el("button", "secondary annot-cancel", "Cancel");
  cancel.type = "button";
  cancel.addEventListener("click", () => o.onCancel());
  const actions = el("div", "annot-actions");
  actions.append(save, cancel, status);
  form.append(actions);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const [k, [box, p]] of boxes) (box.checked ? chosen.set(k, p) : chosen.delete(k));
    const dataFields: Record<string, unknown> = { ...(first?.data_fields ?? {}) };
    const noteText = note.value.trim();
    if (noteText) dataFields.note = note.value;
    else delete dataFields.note;
    if (truth.value === truthText && truthValue !== undefined) dataFields.ground_truth = truthValue;
    else if (truth.value.trim()) dataFields.ground_truth = truth.value;
    else delete dataFields.ground_truth;
    const tagList = parseTags(tags.value);
    const pointers = [...chosen.values()];
    if (!tagList.length && !noteText && !dataFields.ground_truth && thumbs === null && !pointers.length) {
      status.textContent = "Add a tag, a verdict, a note, a ground truth or a pointer first.";
      status.classList.add("annot-error");
      return;
    }
    const observation = { data_fields: dataFields, thumbs_up_thumbs_down: thumbs, data_pointers: pointers };
    // Burr allows several observations per annotation; the form edits the first and keeps the rest.
    o.onSubmit({ spanId: target.value || null, tags: tagList, observations: [observation, ...(editing?.observations.slice(1) ?? [])] });
  });

  return {
    root: form,
    setStatus(text, isError) {
      status.textContent = text ?? "";
      status.classList.toggle("annot-error", isError);
    },
    setBusy(busy) {
      save.disabled = busy;
    },
  };
}

function option(value: string, label: string): HTMLOptionElement {
  const o = el("option", undefined, label);
  o.value = value;
  return o;
}

function row(label: string, control: HTMLElement, forId?: string): HTMLElement {
  const r = el("div", "annot-row");
  const l = el("label", "annot-label", label);
  if (forId) l.htmlFor = forId;
  r.append(l, control);
  return r;
}
