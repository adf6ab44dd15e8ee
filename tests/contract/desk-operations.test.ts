import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionNode, parse, print, validate } from 'graphql';
import { Rating } from '../../src/generated/schema-types';
import { ClaimReviewRatings } from '../../src/domain/claim-review';
import { buildSchema } from '../../src/graphql/schema';
import { catalogue } from '../../desk/src/catalogue';
import { contractDocument } from '../support/client';

// The desk sends the contract's own operations (a copy kept in the repository, so that the
// desk builds without ../shared), and a few of its own; both must hold.
const deskDir = join(__dirname, '../../desk/src');
const copied = readFileSync(join(deskDir, 'contract.operations.graphql'), 'utf8');
const own = readFileSync(join(deskDir, 'desk.operations.graphql'), 'utf8');
const named = (text: string) =>
  new Map(parse(text).definitions.map((definition: DefinitionNode) => [(definition as { name: { value: string } }).name.value, print(definition)]));

test("the desk's copy of the contract's operations is the contract's, unchanged", () => {
  const contract = named(contractDocument);
  for (const [name, text] of named(copied)) expect({ name, text }).toEqual({ name, text: contract.get(name) });
});

test("the desk's whole document validates against the project's schema", () => {
  expect(validate(buildSchema(), parse(`${copied}\n${own}`)).map((error) => error.message)).toEqual([]);
});

test("the desk's English rating labels are the ClaimReview table's alternateName", () => {
  for (const rating of Object.values(Rating)) {
    expect(catalogue[`rating.${rating}` as keyof typeof catalogue][0]).toBe(ClaimReviewRatings[rating].alternateName);
  }
});
