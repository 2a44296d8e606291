import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'wxt';

// The manifest asks for the least it can: `storage` for the database and settings, and host access
// to the two chat sites only. Anything more needs a reason in the README.
export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  imports: false,
  vite: () => ({
    plugins: [tailwindcss()],
  }),
  manifest: {
    name: 'ConvOps',
    description:
      'Run ChatGPT and Claude conversations as governed workflows: step briefings, human approval gates and an audit trail.',
    permissions: ['storage'],
    host_permissions: ['https://chatgpt.com/*', 'https://claude.ai/*'],
    web_accessible_resources: [
      {
        resources: ['panel.html'],
        matches: ['https://chatgpt.com/*', 'https://claude.ai/*'],
      },
    ],
    browser_specific_settings: {
      gecko: { id: 'convops@convops.dev', strict_min_version: '128.0' },
    },
  },
});
