import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const workspace = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// The control plane serves dist/ at / (apps/control-plane-api/src/modules/dashboard); `vite` alone
// serves the app on 5173 and forwards the API to a control plane on 8020.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: { alias: { '@lcm/contracts': workspace('libs/contracts/src/index.ts') } },
  css: { postcss: fileURLToPath(new URL('.', import.meta.url)) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 2000,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8020', '/health': 'http://127.0.0.1:8020' } },
});
