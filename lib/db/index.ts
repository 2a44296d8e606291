/**
 * The data layer's public API. Import it only from the extension origin (background, panel, options):
 * the content script must never open the database (see database.ts).
 */
export { ConvOpsDatabase, DEFAULT_DATABASE_NAME, getDb, openDatabase, setDb } from './database';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations';
export { BackupError, ImportError, NoteRuleError, RecordNotFoundError, StaleTaskError, StaleWorkflowError, WorkflowValidationError } from './errors';
export { canonicalJson, computeEventHash, GENESIS_HASH, sha256Hex, verifyChain, type ChainVerdict } from './hash-chain';
export {
  appendEvents,
  isTaskChain,
  listEvents,
  currentStepSinceOf,
  currentStepEventsOf,
  readTaskAtCurrentStep,
  hasBriefingFor,
  recordTaskEvent,
  SETTINGS_CHAIN,
  verifyAllChains,
  verifyTaskChain,
  workflowChain,
} from './events-repo';
export {
  applyImport,
  deleteWorkflow,
  getWorkflow,
  getWorkflowHead,
  getWorkflowRecord,
  installBuiltins,
  listWorkflows,
  listWorkflowVersions,
  planImport,
  saveWorkflow,
  workflowContentHash,
  type ImportAction,
  type ImportChoice,
  type ImportPlanItem,
  type ImportResult,
  type ImportStatus,
  type InstallBuiltinsResult,
  type ListWorkflowsQuery,
  type SaveWorkflowResult,
} from './workflows-repo';
export {
  countTasks,
  findTaskForConversation,
  getTask,
  getTaskDetail,
  listTasks,
  runAction,
  startTaskRecord,
  type StartTaskInput,
  type TaskDetail,
  type TaskQuery,
} from './tasks-repo';
export { getEventsBefore, getLiveNotes, getPanelTaskDetail, getTaskChanges, getTaskDetailHead, getTaskDetailPage, type TaskChanges, type TaskDetailPage } from './task-changes';
export {
  addManualNote,
  captureReply,
  deleteNote,
  editNote,
  listNotes,
  markResult,
  type CaptureOutcome,
  type CaptureReplyInput,
  type ManualNoteInput,
} from './notes-repo';
export { getSettings, updateSettings, type SettingsPatch } from './settings-repo';
export {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  backupFileSchema,
  exportBackup,
  exportTask,
  TASK_FORMAT,
  taskFileSchema,
  type BackupFile,
  type RestoreReport,
  type TaskFile,
} from './backup';
export { importTask, restoreBackup } from './backup-restore';
export type { WorkflowHead, WorkflowMeta, WorkflowOrigin, WorkflowRecord } from './records';
