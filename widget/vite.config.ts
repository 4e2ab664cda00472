import { defineConfig } from 'vite';

/**
 * One classic script (IIFE) that customers' pages load with a single tag: no framework, socket.io-client
 * bundled in, no separate CSS file (the styles live in the widget's shadow root).
 */
export default defineConfig({
  // Always the production variants of dependencies (socket.io-parser has a debug build under "development"), so
  // a build started from a test, where NODE_ENV is "test", ships the same small script.
  resolve: { conditions: ['module', 'browser', 'production'] },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
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
