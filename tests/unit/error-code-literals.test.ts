import { ApolloServerErrorCode } from '@apollo/server/errors';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ErrorCode } from '../../src/domain/errors';
import { projectRoot, sourceFiles } from '../support/source-files';

// Error codes are constants of one module (src/domain/errors.ts; Apollo's from
// @apollo/server/errors): a code typed as a string elsewhere can drift from the mapping that
// turns domain errors into the contract's codes, and nothing would fail.
const codes = [...Object.values(ErrorCode), ...Object.values(ApolloServerErrorCode)];
const literal = new RegExp(`['"\`](${codes.join('|')})['"\`]`);

test("no module of src but src/domain/errors.ts writes an error code as a string", () => {
  const written = sourceFiles(join(projectRoot, 'src'))
    .filter((path) => !path.endsWith(join('domain', 'errors.ts')) && !path.includes(join('src', 'generated')))
    .flatMap((path) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .flatMap((line, i) => (literal.test(line) ? [`${relative(projectRoot, path)}:${i + 1} ${line.trim()}`] : [])),
    );
  expect(written).toEqual([]);
});
