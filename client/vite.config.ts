import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  plugins: [svelte()],
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // The server reads the manifest to find the status page script's hashed name.
    manifest: true,
    rollupOptions: {
      input: { index: path.join(here, 'index.html'), status: path.join(here, 'src/status/main.ts'), docs: path.join(here, 'docs.html') },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
