// The Burr language server: LSP wiring only. Analysis lives in ./analysis
// (no LSP), features in ./features (pure functions of an analysis).
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, FileChangeType, DidChangeWatchedFilesNotification, type InitializeResult } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { validateGraph } from "../../runtime/src/graph/validate.js";
import { Session, uriToPath } from "./session.js";
import { codeActions } from "./features/codeActions.js";
import { completion } from "./features/completion.js";
import { definitionRangeResult } from "./features/definitionRange.js";
import { graphResult } from "./features/graph.js";
import { hover } from "./features/hover.js";
import { definition, documentHighlights, prepareRename, references, rename } from "./features/navigation.js";
import { codeLenses, documentSymbols } from "./features/symbols.js";
import { AnalysedNotification, DefinitionRangeRequest, GraphRequest } from "./protocol.js";

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const session = new Session(connection, documents, (graph, options) => validateGraph(graph, options));
let roots: string[] = [];
let canWatchFiles = false;
let canReadSettings = false;

connection.onInitialize((params): InitializeResult => {
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  roots = folders.map(uriToPath).filter((p): p is string => p !== null);
  canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  canReadSettings = params.capabilities.workspace?.configuration === true;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      completionProvider: { triggerCharacters: ['"', "'", "`"] },
      codeActionProvider: { codeActionKinds: ["quickfix"] },
      documentSymbolProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: "burr-ts language server", version: "0.1.0" },
  };
});

connection.onInitialized(() => {
  // Files changed outside the editor (git checkout, codegen) must reach the analysis too.
  if (canWatchFiles) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}" }] });
  }
  filesExclude()
    .then((exclude) => session.scan(roots, exclude))
    .catch((err: unknown) => {
      connection.console.error(`burr: workspace scan failed: ${err instanceof Error ? err.stack : String(err)}`);
      // Clients wait for this to stop saying "analysing": the files opened in the editor are still analysed.
      void connection.sendNotification(AnalysedNotification, { files: 0, analysed: 0, apps: {}, ms: 0 });
    });
});

/** The user's `files.exclude` globs that are on (a `{ when }` condition on a sibling is not followed: the folder is walked). */
async function filesExclude(): Promise<string[]> {
  if (!canReadSettings) return [];
  try {
    const setting: unknown = await connection.workspace.getConfiguration({ section: "files.exclude" });
    if (setting === null || typeof setting !== "object") return [];
    return Object.entries(setting as Record<string, unknown>).filter(([, on]) => on === true).map(([glob]) => glob);
  } catch (err) {
    connection.console.warn(`burr: could not read files.exclude (${String(err)}); the workspace is walked without it`);
    return [];
  }
}

documents.onDidOpen((e) => session.documentChanged(e.document));
documents.onDidChangeContent((e) => session.documentChanged(e.document));
documents.onDidClose((e) => session.documentClosed(e.document));
connection.onDidChangeWatchedFiles((p) => session.diskChanged(p.changes.map((c) => ({ uri: c.uri, deleted: c.type === FileChangeType.Deleted }))));

/** Runs a feature on a document's analysis; a failure answers "nothing" rather than breaking the editor. */
function withAnalysis<T>(uri: string, fallback: T, f: (a: NonNullable<ReturnType<Session["analysis"]>>) => T): T {
  try {
    const a = session.analysis(uri);
    return a ? f(a) : fallback;
  } catch (err) {
    connection.console.error(`burr: request failed on ${uri}: ${err instanceof Error ? err.stack : String(err)}`);
    return fallback;
  }
}

// Apps in other files (users of a declaration, apps built from a helper) come from session.lookup.
const lookup = session.lookup;
connection.onHover((p) => withAnalysis(p.textDocument.uri, null, (a) => hover(a, p.position, lookup)));
connection.onDefinition((p) => withAnalysis(p.textDocument.uri, [], (a) => definition(a, p.position, lookup)));
connection.onReferences((p) => withAnalysis(p.textDocument.uri, [], (a) => references(a, p.position, p.context.includeDeclaration, lookup)));
connection.onDocumentHighlight((p) => withAnalysis(p.textDocument.uri, [], (a) => documentHighlights(a, p.position, lookup)));
connection.onPrepareRename((p) => withAnalysis(p.textDocument.uri, null, (a) => prepareRename(a, p.position, lookup)));
connection.onRenameRequest((p) => withAnalysis(p.textDocument.uri, null, (a) => rename(a, p.position, p.newName, lookup)));
connection.onCompletion((p) => withAnalysis(p.textDocument.uri, [], (a) => completion(a, session.sourceFile(p.textDocument.uri), p.position, lookup.appsAt(p.textDocument.uri))));
connection.onCodeAction((p) => withAnalysis(p.textDocument.uri, [], () => codeActions(session.problems(p.textDocument.uri), p)));
connection.onDocumentSymbol((p) => withAnalysis(p.textDocument.uri, [], (a) => documentSymbols(a)));
connection.onCodeLens((p) => withAnalysis(p.textDocument.uri, [], (a) => codeLenses(a)));
connection.onRequest(GraphRequest, (p) => withAnalysis(p.uri, { apps: [] }, (a) => graphResult(a)));
connection.onRequest(DefinitionRangeRequest, (p) => withAnalysis(p.uri, null, (a) => definitionRangeResult(a, session.sourceFile(p.uri), p)));

documents.listen(connection);
connection.listen();
