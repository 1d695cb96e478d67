// "Burr: Export Dataset" without VS Code: every annotation with a tag, across
// the projects of the stores that hold annotations, turned into the runtime's
// dataset rows (runtime/src/tracking/dataset.ts: the same rows as
// `burr-ts dataset export`) and written as JSONL or CSV.
import { datasetRows, datasetToCsv, datasetToJsonl } from "../../../../runtime/src/tracking/dataset.js";
import type { RunStore } from "../stores/types.js";
import type { Annotation, AnnotationIndex } from "./index.js";

export type DatasetFormat = "jsonl" | "csv";

export interface DatasetExport {
  text: string;
  rows: number;
  annotations: number;
  warnings: string[];
}

export async function exportDataset(index: AnnotationIndex, stores: readonly RunStore[], tag: string, format: DatasetFormat): Promise<DatasetExport> {
  const rows = [];
  const warnings: string[] = [];
  let annotations = 0;
  for (const store of stores) {
    let projects: string[];
    try {
      projects = (await store.listProjects()).map((p) => p.name);
    } catch (err) {
      if (index.forProject(store, "") !== null) warnings.push(`${store.label}: ${(err as Error).message}`);
      continue;
    }
    for (const project of projects) {
      const notes = index.forProject(store, project);
      if (!notes) continue;
      let tagged: Annotation[];
      try {
        tagged = (await notes.list()).filter((a) => a.tags.includes(tag));
      } catch (err) {
        warnings.push(`project "${project}" in ${store.label}: ${(err as Error).message}`);
        continue;
      }
      annotations += tagged.length;
      const out = await datasetRows(store, tagged);
      rows.push(...out.rows);
      warnings.push(...out.warnings);
    }
  }
  return { text: format === "csv" ? datasetToCsv(rows) : datasetToJsonl(rows), rows: rows.length, annotations, warnings };
}
