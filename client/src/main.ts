import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { router } from './lib/router.svelte';
import './lib/theme.svelte';

// Marks for the benchmark and the browser's performance panel: script ran → socket → data → rows.
performance.mark('pp:boot');
router.start();
mount(App, { target: document.getElementById('app')! });
