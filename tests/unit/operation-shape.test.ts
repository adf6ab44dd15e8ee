import { parse } from 'graphql';
import { buildSchema } from '../../src/graphql/schema';
import { operationShape } from '../../src/live/operation-shape';

const schema = buildSchema();
const shapeOf = (text: string, operationName: string | null = null) => {
  const { personal, variables } = operationShape(schema, parse(text), operationName);
  return { personal, variables: [...variables].sort() };
};

test('the root field’s arguments choose entries, not what a result holds: they do not count', () => {
  expect(shapeOf('subscription ($eventId: ID!, $after: String) { activity(eventId: $eventId, after: $after) { type claim { statement } } }')).toEqual({
    personal: false,
    variables: [],
  });
});

test('a variable used below the root field counts, even when the root field uses it too', () => {
  const text = `subscription ($eventId: ID!, $first: Int) {
    activity(eventId: $eventId) { event { id claims(first: $first, filter: { eventId: $eventId }) { edges { node { id } } } } } }`;
  expect(shapeOf(text)).toEqual({ personal: false, variables: ['eventId', 'first'] });
});

test('a @viewerDependent field makes the result personal, through fragments and inline fragments', () => {
  expect(shapeOf('subscription { activity(eventId: "e") { claim { ...Mine } } } fragment Mine on Claim { viewerVote { rating } }').personal).toBe(true);
  expect(shapeOf('subscription { activity(eventId: "e") { ... on Activity { claim { viewerVote { rating } } } } }').personal).toBe(true);
});

test('a field left out by a literal @include or @skip is not selected', () => {
  expect(shapeOf('subscription { activity(eventId: "e") { claim { viewerVote @include(if: false) { rating } } } }').personal).toBe(false);
  expect(shapeOf('subscription { activity(eventId: "e") { claim { viewerVote @skip(if: false) { rating } } } }').personal).toBe(true);
});

test('where a variable decides what is selected, the shape assumes the worst: personal, and every variable counts', () => {
  const text = `subscription ($eventId: ID!, $mine: Boolean!) {
    activity(eventId: $eventId) { type ...Mine @include(if: $mine) } }
    fragment Mine on Activity { at }`;
  expect(shapeOf(text)).toEqual({ personal: true, variables: ['eventId', 'mine'] });
});

test('only the operation that runs, and the fragments it reaches, count', () => {
  const text = `
    subscription Plain($eventId: ID!) { activity(eventId: $eventId) { type ...Public } }
    subscription Personal($eventId: ID!) { activity(eventId: $eventId) { claim { ...Mine } } }
    fragment Public on Activity { at }
    fragment Mine on Claim { viewerVote { rating } }`;
  expect(shapeOf(text, 'Plain').personal).toBe(false);
  expect(shapeOf(text, 'Personal').personal).toBe(true);
});
