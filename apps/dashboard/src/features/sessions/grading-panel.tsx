import { Button, Card, Group, Progress, Text, Title } from '@mantine/core';
import { apiContract, type LabletSession, type ScoreReport } from '@lcm/contracts';
import { ApiProblem } from '../../api/api-problem';
import { useMayCall } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractAction, useContractQuery } from '../../api/use-contract';
import { type Column, DataTable } from '../../ui/data-table';
import { ProblemAlert } from '../../ui/problem-alert';
import { StatusBadge } from '../../ui/status-badge';

const routes = apiContract.public.sessions;

type Section = ScoreReport['sections'][number];

const SECTION_COLUMNS: Column<Section>[] = [
  { header: 'Section', cell: (section) => section.name },
  { header: 'Score', cell: (section) => `${section.score} / ${section.max_score}` },
  {
    header: 'Share',
    width: '40%',
    cell: (section) => (
      <Progress
        value={section.max_score ? (section.score / section.max_score) * 100 : 0}
        aria-label={`${section.name} score`}
      />
    ),
  },
];

/** Grading summary and full score report; Grade asks for on-demand grading of a RUNNING session. */
export function GradingPanel({ session }: { session: LabletSession }) {
  const mayCall = useMayCall();
  const params = { lablet_session_id: session.id };
  const grading = useContractQuery(
    queryKeys.sessionChild('grading-session', session.id),
    routes.getGradingSession,
    { params },
    {
      enabled: !!session.grading_session_id,
    },
  );
  const report = useContractQuery(
    queryKeys.sessionChild('score-report', session.id),
    routes.getScoreReport,
    { params },
    {
      enabled: !!session.score_report_id,
    },
  );
  const grade = useContractAction(routes.requestGrading, {
    success: 'Grading requested',
    resource: 'sessions',
  });
  const missing = (error: unknown) => error instanceof ApiProblem && error.status === 404;
  return (
    <Card withBorder data-testid="grading-panel">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Grading
        </Title>
        {session.status === 'RUNNING' && mayCall(routes.requestGrading) && (
          <Button size="xs" onClick={() => grade.mutate({ params })} loading={grade.isPending}>
            Grade
          </Button>
        )}
      </Group>
      <ProblemAlert error={grade.error} />
      {grading.data ? (
        <Group mb="xs">
          <StatusBadge status={grading.data.status} />
          <Text size="sm">
            {grading.data.form_qualified_name} · {grading.data.evidence.length} evidence item(s)
          </Text>
        </Group>
      ) : (
        !grading.error && (
          <Text c="dimmed">
            {session.status === 'COLLECTING'
              ? 'Collecting evidence: the lablet-controller submits the session for grading, then it enters GRADING.'
              : 'Not graded yet'}
          </Text>
        )
      )}
      {grading.error && !missing(grading.error) && <ProblemAlert error={grading.error} />}
      {report.data && (
        <>
          <Group mb="xs">
            <Text fw={700}>
              Score {report.data.score} / {report.data.max_score}
            </Text>
            {report.data.passed !== null && <StatusBadge status={report.data.passed ? 'PASSED' : 'FAILED'} />}
          </Group>
          <DataTable
            testId="score-report"
            rows={report.data.sections}
            columns={SECTION_COLUMNS}
            rowKey={(section) => section.name}
          />
        </>
      )}
    </Card>
  );
}
