// "Burr: Export Dataset" without VS Code: every annotation with a tag, across
// the projects of the sources that hold annotations, turned into the runtime's
// dataset rows (runtime/src/tracking/dataset.ts: the same rows as
// `burr-ts dataset export`) and written as JSONL or CSV.
import { datasetRows, datasetToCsv, datasetToJsonl } from "../../../../runtime/src/tracking/dataset.js";
import type { RunSource } from "../model/types.js";
import type { Annotation, AnnotationIndex } from "./index.js";

export type DatasetFormat = "jsonl" | "csv";

export interface DatasetExport {
  text: string;
  rows: number;
  annotations: number;
  warnings: string[];
}

export async function exportDataset(index: AnnotationIndex, sources: readonly RunSource[], tag: string, format: DatasetFormat): Promise<DatasetExport> {
  const rows = [];
  const warnings: string[] = [];
  let annotations = 0;
  for (const source of sources) {
    let projects: string[];
    try {
      projects = (await source.listProjects()).map((p) => p.name);
    } catch (err) {
      if (index.forProject(source, "") !== null) warnings.push(`${source.label}: ${(err as Error).message}`);
      continue;
    }
    for (const project of projects) {
      const store = index.forProject(source, project);
      if (!store) continue;
      let tagged: Annotation[];
      try {
        tagged = (await store.list()).filter((a) => a.tags.includes(tag));
      } catch (err) {
        warnings.push(`project "${project}" in ${source.label}: ${(err as Error).message}`);
        continue;
      }
      annotations += tagged.length;
      const out = await datasetRows(source, tagged);
      rows.push(...out.rows);
      warnings.push(...out.warnings);
    }
  }
  return { text: format === "csv" ? datasetToCsv(rows) : datasetToJsonl(rows), rows: rows.length, annotations, warnings };
}
