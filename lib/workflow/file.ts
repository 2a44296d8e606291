import { parse as parseYaml, YAMLParseError } from 'yaml';
import { failedFile, workflowsFromFileData, type WorkflowFileResult } from './file-format';
import { issue, type ValidationIssue } from './validate';

/**
 * Reading a workflow file a person chose (`*.convops.json`, YAML accepted): its size, its text as
 * JSON or YAML, then the format's checks (`./file-format.ts`). Only the options page imports this
 * module, so only it carries the YAML parser.
 */

export const MAX_WORKFLOW_FILE_CHARS = 5 * 1024 * 1024;

function formatSize(chars: number): string {
  const mb = chars / (1024 * 1024);
  return mb >= 0.1 ? `${mb.toFixed(1)} MB` : `${Math.ceil(chars / 1024)} KB`;
}

function looksLikeYaml(text: string, fileName?: string): boolean {
  if (fileName && /\.ya?ml$/i.test(fileName)) return true;
  if (fileName && /\.json$/i.test(fileName)) return false;
  return !/^\s*[[{]/.test(text);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function parseText(text: string, fileName?: string): { ok: true; data: unknown } | { ok: false; issue: ValidationIssue } {
  if (!looksLikeYaml(text, fileName)) {
    try {
      return { ok: true, data: JSON.parse(text) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /position (\d+)/.exec(message);
      const where = position ? lineAndColumn(text, Number(position[1])) : undefined;
      const detail = message.replace(/\s*(?:in JSON )?at position \d+.*$/s, '').replace(/^Unexpected/, 'unexpected');
      return {
        ok: false,
        issue: issue(
          '',
          `this file is not valid JSON${where ? ` (line ${where.line}, column ${where.column})` : ''}: ${detail}. Check for a missing comma, quote or bracket there.`,
        ),
      };
    }
  }
  try {
    // YAML aliases could expand a small file into a huge one; workflow files have no need for them.
    return { ok: true, data: parseYaml(text, { maxAliasCount: 0, prettyErrors: false, uniqueKeys: true }) };
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = lineAndColumn(text, error.pos[0]);
      const firstLine = error.message.split('\n')[0] ?? '';
      return {
        ok: false,
        issue: issue('', `this file is neither valid JSON nor valid YAML (line ${where.line}, column ${where.column}): ${firstLine}.`),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, issue: issue('', `this file is neither valid JSON nor valid YAML: ${message}.`) };
  }
}

/**
 * Parses and validates a workflow file. Never throws: whatever the file holds, the answer is a list of
 * located problems (an unexpected failure of a parser or a validator included).
 */
export function parseWorkflowFile(text: string, fileName?: string): WorkflowFileResult {
  try {
    return parseWorkflowFileUnguarded(text, fileName);
  } catch (error) {
    const detail = error instanceof RangeError ? 'it is nested or repeated too deeply to read' : error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
    return failedFile(issue('', `this file could not be read (${detail}); nothing was imported.`));
  }
}

function parseWorkflowFileUnguarded(text: string, fileName?: string): WorkflowFileResult {
  if (text.length > MAX_WORKFLOW_FILE_CHARS) {
    return failedFile(
      issue('', `this file is too large (${formatSize(text.length)}); ConvOps reads workflow files of up to ${formatSize(MAX_WORKFLOW_FILE_CHARS)}.`),
    );
  }
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return failedFile(issue('', 'this file is empty; a ConvOps workflow file starts with "format": "convops.workflows".'));

  const parsed = parseText(body, fileName);
  if (!parsed.ok) return failedFile(parsed.issue);
  return workflowsFromFileData(parsed.data);
}
