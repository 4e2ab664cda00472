import { defineConfig } from 'vite';

/**
 * One classic script (IIFE) that customers' pages load with a single tag: no framework, socket.io-client
 * bundled in, no separate CSS file (the styles live in the widget's shadow root).
 */
export default defineConfig({
  build: {
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    lib: {
      entry: 'src/main.ts',
      name: 'SwitchboardWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
