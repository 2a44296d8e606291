import { planTaskFile } from '../../lib/db/backup-restore';
import { parseWorkflowFile } from '../../lib/workflow/file';
import { tooDeepAt } from '../../lib/workflow/file-format';

/**
 * Runs in Firefox (scripts/deep-file-firefox.mjs): the same 400,000-deep files the Chromium e2e uses,
 * through the workflow import's parser and the task import's checks, reported back to the script.
 */
async function run(): Promise<Record<string, string>> {
  const depth = 400_000;
  const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const out: Record<string, string> = {};
  const workflow = parseWorkflowFile(`{"format":${deep},"formatVersion":1,"workflows":[]}`, 'deep.convops.json');
  out['workflowFile'] = workflow.ok ? 'ACCEPTED' : workflow.issues.map((issue) => issue.message).join(' | ');
  let data: unknown;
  try {
    data = JSON.parse(`{"format":"convops.task","formatVersion":1,"task":${deep}}`);
    out['jsonParse'] = `parsed; too deep at ${tooDeepAt(data) ?? 'nowhere'}`;
  } catch (error) {
    out['jsonParse'] = `threw ${(error as Error).name}`;
  }
  if (data !== undefined) {
    try {
      await planTaskFile(data);
      out['taskFile'] = 'ACCEPTED';
    } catch (error) {
      out['taskFile'] = `${(error as Error).name}: ${(error as Error).message}`;
    }
  }
  return out;
}

void run().then((result) => fetch('/result', { method: 'POST', body: JSON.stringify({ userAgent: navigator.userAgent, ...result }) }));
