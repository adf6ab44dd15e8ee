// The GraphQL explorer served at GET /graphql outside production: GraphiQL bundled by
// scripts/build-graphiql.mjs, on this origin, with subscriptions over graphql-ws on /graphql.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createClient } from 'graphql-ws';
import { createRoot } from 'react-dom/client';

const url = new URL('/graphql', window.location.href);
const socketUrl = new URL(url);
socketUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({
  url: url.href,
  wsClient: createClient({ url: socketUrl.href, lazy: true }),
});

createRoot(document.getElementById('graphiql')).render(<GraphiQL fetcher={fetcher} defaultEditorToolsVisibility />);
