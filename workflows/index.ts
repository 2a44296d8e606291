import { workflowsFromFileData } from '@/lib/workflow/file-format';
import type { Workflow } from '@/lib/workflow/schema';
import bugFix from './bug-fix.convops.json?raw';
import decisionMemo from './decision-memo.convops.json?raw';
import featureDevelopment from './feature-development.convops.json?raw';
import researchReport from './research-report.convops.json?raw';
import researchSecondOpinion from './research-second-opinion.convops.json?raw';
import sopDocumentation from './sop-documentation.convops.json?raw';
import task from './task.convops.json?raw';

/**
 * The workflows ConvOps ships with. They are kept as exchange files (so people can read, copy and
 * re-import them) and go through the same format checks as any imported file (`workflowsFromFileData`;
 * they are JSON, so the background carries no YAML parser): a broken built-in fails its unit test and
 * its first load instead of shipping.
 */
const BUILTIN_FILES: Record<string, string> = {
  'sop-documentation.convops.json': sopDocumentation,
  'feature-development.convops.json': featureDevelopment,
  'task.convops.json': task,
  'bug-fix.convops.json': bugFix,
  'research-report.convops.json': researchReport,
  'research-second-opinion.convops.json': researchSecondOpinion,
  'decision-memo.convops.json': decisionMemo,
};

export function loadBuiltinWorkflows(files: Record<string, string> = BUILTIN_FILES): Workflow[] {
  const workflows: Workflow[] = [];
  for (const [fileName, text] of Object.entries(files)) {
    const result = workflowsFromFileData(JSON.parse(text));
    if (!result.ok) {
      throw new Error(`Built-in workflow file ${fileName} is invalid:\n${result.issues.map((i) => `- ${i.message}`).join('\n')}`);
    }
    workflows.push(...result.workflows);
  }
  const ids = workflows.map((w) => w.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`Two built-in workflows use the id "${duplicate}".`);
  return workflows;
}

let loaded: Workflow[] | undefined;
/**
 * The built-ins, validated on first use: not while the service worker starts, where the panel's
 * first answer would wait behind seven files' validation (the bench's worker-start figure).
 */
export function builtinWorkflows(): Workflow[] {
  loaded ??= loadBuiltinWorkflows();
  return loaded;
}
