import { Alert, List } from '@mantine/core';
import { ApiProblem } from '../api/api-problem';

/** Shows an API error as its problem document says it: title, detail and every field it names. */
export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) return null;
  if (!(error instanceof ApiProblem))
    return (
      <Alert color="red" title="Request failed" role="alert">
        {error instanceof Error ? error.message : String(error)}
      </Alert>
    );
  const { problem } = error;
  return (
    <Alert color="red" title={`${problem.title} (${problem.status})`} role="alert" data-testid="problem">
      {problem.detail}
      {error.fieldErrors.length > 0 && (
        <List size="sm" mt="xs">
          {error.fieldErrors.map((field) => (
            <List.Item key={`${field.field}:${field.message}`}>
              <strong>{field.field || '(body)'}</strong>: {field.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
