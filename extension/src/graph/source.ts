// Source locations in graph models are LSP-style file URIs (language server) or
// absolute paths (runtime, tracker); both open as a text editor.
import * as vscode from "vscode";
import type { SourceRange } from "../../../runtime/src/graph/model.js";

export function sourceUri(file: string): vscode.Uri {
  return /^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file);
}

export async function openSource(source: SourceRange, column: vscode.ViewColumn): Promise<void> {
  const uri = sourceUri(source.file);
  const range = new vscode.Range(source.start.line, source.start.character, source.end.line, source.end.character);
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = await vscode.window.showTextDocument(uri, { viewColumn: visible?.viewColumn ?? column, selection: range, preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
