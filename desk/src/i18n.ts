import { Value } from './value';

/** Every word of the interface, in English and in Russian (the seed's reviewers work in Russian). */
const catalogue = {
  title: ['Verification desk', 'Стол проверки'],
  email: ['Email', 'Эл. почта'],
  password: ['Password', 'Пароль'],
  signIn: ['Sign in', 'Войти'],
  signOut: ['Sign out', 'Выйти'],
  signInFailed: ['Sign-in failed: {message}', 'Не удалось войти: {message}'],
  events: ['Events', 'События'],
  noEvents: ['No events yet.', 'Событий пока нет.'],
  claimCount: ['{n} claims', 'утверждений: {n}'],
  online: ['Online', 'В сети'],
  offlineSince: ['Offline since {time}', 'Offline — нет связи с {time}'],
  waiting: ['{n} waiting', 'ждут отправки: {n}'],
  staleCopy: ['Saved copy from {time}: the link is down.', 'Сохранённая копия от {time}: связи нет.'],
  loading: ['Loading…', 'Загрузка…'],
  notFound: ['Not found.', 'Не найдено.'],
  board: ['Board', 'Доска'],
  search: ['Search', 'Поиск'],
  status: ['Status', 'Статус'],
  anyStatus: ['Any status', 'Любой статус'],
  order: ['Order', 'Порядок'],
  newest: ['Newest first', 'Сначала новые'],
  recentlyUpdated: ['Recently updated first', 'Сначала недавно изменённые'],
  noClaims: ['No claims match.', 'Нет подходящих утверждений.'],
  rating: ['Rating', 'Оценка'],
  agreement: ['Agreement {n}%', 'Согласие {n}%'],
  votes: ['{n} votes', 'голосов: {n}'],
  organizations: ['{n} organisations', 'организаций: {n}'],
  evidenceCount: ['{n} evidence', 'доказательств: {n}'],
  newClaim: ['Submit a claim', 'Новое утверждение'],
  statement: ['Statement', 'Утверждение'],
  context: ['Context', 'Контекст'],
  sourceUrl: ['Source link', 'Ссылка на источник'],
  submit: ['Submit', 'Отправить'],
  similar: ['Already on the desk, read like this:', 'Уже на столе, похожие:'],
  eventClosed: ['This event is closed.', 'Событие закрыто.'],
  back: ['Back to the board', 'К доске'],
  evidence: ['Evidence', 'Доказательства'],
  noEvidence: ['No evidence yet.', 'Доказательств пока нет.'],
  addEvidence: ['Add evidence', 'Добавить доказательство'],
  stance: ['Stance', 'Позиция'],
  SUPPORTS: ['Supports', 'Подтверждает'],
  REFUTES: ['Refutes', 'Опровергает'],
  CONTEXT: ['Context', 'Контекст'],
  link: ['Link', 'Ссылка'],
  evidenceTitle: ['Title', 'Заголовок'],
  excerpt: ['Excerpt', 'Выдержка'],
  vote: ['Your vote', 'Ваш голос'],
  rationale: ['Rationale', 'Обоснование'],
  retract: ['Retract my vote', 'Отозвать голос'],
  allVotes: ['Votes', 'Голоса'],
  noVotes: ['No votes yet.', 'Голосов пока нет.'],
  history: ['History', 'История'],
  explanation: ['Why this status', 'Почему такой статус'],
  summary: ['Summary', 'Итог'],
  publish: ['Publish', 'Опубликовать'],
  reason: ['Reason', 'Причина'],
  reopen: ['Reopen', 'Вернуть на проверку'],
  duplicateOf: ['Duplicate of (claim link or ID)', 'Дубликат (ссылка или ID утверждения)'],
  markDuplicate: ['Mark duplicate', 'Отметить дубликат'],
  duplicateNote: ['Duplicate of another claim', 'Дубликат другого утверждения'],
  outbox: ['Waiting to be sent', 'Ждут отправки'],
  itemWaiting: ['waiting', 'ждёт'],
  itemFailed: ['not done: {message}', 'не выполнено: {message}'],
  dismiss: ['Dismiss', 'Убрать'],
  organization: ['Organisation', 'Организация'],
  requests: ['Requests to join', 'Заявки на вступление'],
  noRequests: ['No requests.', 'Заявок нет.'],
  approve: ['Approve', 'Принять'],
  decline: ['Decline', 'Отклонить'],
  invite: ['Invite a member', 'Пригласить участника'],
  role: ['Role', 'Роль'],
  orgAdmin: ['Organisation admin', 'Администратор организации'],
  invitationCode: ['Invitation code for {email}: {code}', 'Код приглашения для {email}: {code}'],
  notOrgAdmin: ['Only organisation admins manage members.', 'Участниками управляют администраторы организации.'],
  language: ['Language', 'Язык'],
  'action.CastVote': ['Vote {rating}', 'Голос: {rating}'],
  'action.RetractVote': ['Retract vote', 'Отзыв голоса'],
  'action.SubmitClaim': ['Claim “{statement}”', 'Утверждение «{statement}»'],
  'action.AddEvidence': ['Evidence “{title}”', 'Доказательство «{title}»'],
  'action.PublishVerdict': ['Publish', 'Публикация'],
  'action.ReopenClaim': ['Reopen', 'Возврат на проверку'],
  'action.MarkDuplicate': ['Mark duplicate', 'Отметка дубликата'],
  'rating.TRUE': ['True', 'Правда'],
  'rating.MOSTLY_TRUE': ['Mostly true', 'В основном правда'],
  'rating.MIXED': ['Mixed', 'Смешанное'],
  'rating.MISLEADING': ['Misleading', 'Вводит в заблуждение'],
  'rating.MOSTLY_FALSE': ['Mostly false', 'В основном ложь'],
  'rating.FALSE': ['False', 'Ложь'],
  'rating.UNVERIFIABLE': ['Unverifiable', 'Невозможно проверить'],
} satisfies Record<string, [string, string]>;

export type MessageKey = keyof typeof catalogue;
export const languages = ['en', 'ru'] as const;
export type Language = (typeof languages)[number];

const chosen = localStorage.getItem('desk.language');
/** The interface language: the one chosen with the switch, else the browser's. */
export const language = new Value<Language>(
  chosen === 'en' || chosen === 'ru' ? chosen : navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en',
);

export function chooseLanguage(next: Language): void {
  localStorage.setItem('desk.language', next);
  document.documentElement.lang = next;
  language.set(next);
}

/** The message in the current language, with {name} replaced by params.name. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogue[key][languages.indexOf(language.get())];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

export function time(iso: string | number): string {
  return new Date(iso).toLocaleString(language.get(), { dateStyle: 'short', timeStyle: 'short' });
}
