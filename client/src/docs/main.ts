/** /api/docs: the API reference page (its own entry of the build, served by http/static.ts). */
import { mount } from 'svelte';
import '../app.css';
import '../lib/theme.svelte';
import ApiDocs from './ApiDocs.svelte';

mount(ApiDocs, { target: document.getElementById('docs')! });
