// Local tracker (Burr's run format) and the reader of tracking directories.
export { LocalTrackingClient, type LocalTrackingOptions } from "./client.js";
export { TrackingReader } from "./reader.js";
export { stateAt } from "./logParser.js";
export { stateOfStep } from "./stepState.js";
export { graphToBurr, burrToGraph } from "./graphJson.js";
export type { AppRun, AppStatus, AppSummary, ChildPointer, RunPointer, ProjectSummary, ReadAppOptions, SpanRecord, StepRecord, StreamRecord } from "./types.js";
export { recordedCalls, decodeOutcome, REPLAY_ATTRIBUTE, type RecordedCall, type RecordedOutcome } from "./recorded.js";
export {
  annotationsPath,
  checkObservation,
  createAnnotation,
  deleteAnnotation,
  fileAnnotationStore,
  formatAnnotation,
  parseAnnotation,
  readAnnotations,
  updateAnnotation,
  type Annotation,
  type AnnotationCreate,
  type AnnotationDataPointer,
  type AnnotationFilter,
  type AnnotationObservation,
  type AnnotationStore,
  type AnnotationUpdate,
} from "./annotations.js";
export { datasetRows, datasetToCsv, datasetToJsonl, exportDataset, DATASET_COLUMNS, type AnnotatedRunReader, type DatasetRow, type RunReader } from "./dataset.js";
export { exportBurrFormat, type BurrExportResult } from "./burrExport.js";
export { sqlAnnotationStore, annotationsTable, type SqlAnnotationOptions } from "./annotationsSql.js";
