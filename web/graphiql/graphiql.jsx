// The GraphQL explorer served at GET /graphql outside production: GraphiQL bundled by
// scripts/build-graphiql.mjs, on this origin, with subscriptions over graphql-ws on /graphql.
// Headers typed in GraphiQL's headers pane ({"authorization": "Bearer <token>"}) go with each
// request, and with a subscription as its connectionParams, where the server reads the token.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';

const url = new URL('/graphql', window.location.href);
const subscriptionUrl = new URL(url);
subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({ url: url.href, subscriptionUrl: subscriptionUrl.href });

createRoot(document.getElementById('graphiql')).render(<GraphiQL fetcher={fetcher} defaultEditorToolsVisibility />);
