// First, before every other module is evaluated (a mark for the bench's worker-start breakdown).
import '@/lib/background/start-mark';
import { defineBackground } from 'wxt/utils/define-background';
import { setupBuiltins } from '@/lib/background/builtins';
import { setupPageEvents } from '@/lib/background/page-events';
import { setupPanelBridge } from '@/lib/background/panel-bridge';
import { setupNoteBlocks, setupSettingsMirror, setupSigningKey } from '@/lib/background/records-setup';
import { setupReviewWindows } from '@/lib/background/review-window';
import { setupTabState } from '@/lib/background/tab-state';
import { setupToolbar } from '@/lib/background/toolbar';
import { setupConductor } from '@/lib/background/conductor';
import { setupTeamSync } from '@/lib/team/background-sync';

// One setup per concern (docs/architecture.md, "The background"); nothing here can approve a gate.
export default defineBackground(() => {
  setupSigningKey();
  setupTabState();
  setupPageEvents();
  setupPanelBridge();
  setupConductor();
  setupReviewWindows();
  setupBuiltins();
  setupSettingsMirror();
  setupNoteBlocks();
  setupToolbar();
  // Runs only while the person keeps a team workspace connected; otherwise nothing leaves the machine.
  setupTeamSync();
  // For the bench (test/bench/worker-start.bench.ts): how long the worker took to load and set up.
  performance.mark('convops:background-ready');
});
