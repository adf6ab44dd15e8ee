import { render } from 'preact';
import './desk.css';
import { language } from './i18n';
import { startOutbox } from './outbox';
import { App } from './views/app';

document.documentElement.lang = language.get();
render(<App />, document.getElementById('desk')!);
startOutbox();
// The service worker keeps the desk's files, so that a reload without a link still opens it.
if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/desk/sw.js', { scope: '/desk/' });
