// The tool-calling eval suite: plan steps as a planner writes them, the tools on offer, and the
// call a careful function caller would make. The first tools are the seed project's (ReWOO's
// search_wiki, search_bing, search_bilibili, get_current_time, save_file, query_mysql); the rest
// are tools no model has seen in training, with nested objects, enums, integers and patterns.
import type { JsonSchema, ToolCall } from '../core/tools/types.ts';
import { calculator } from '../../toolkit/calculator.ts';
import { getCurrentTime } from '../../toolkit/get-current-time.ts';
import { saveFile } from '../../toolkit/save-file.ts';
import { searchBilibili } from '../../toolkit/search-bilibili.ts';
import { searchWiki } from '../../toolkit/search-wiki.ts';

/** A tool as the tool-caller model sees it: no code, only what reaches the prompt and schema. */
export interface EvalToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
}

/** One plan step, the tools on offer, and the call expected from it. */
export interface EvalCase {
  /** Stable, kebab-case. */
  id: string;
  /** `seed`: the seed project's tools; `unseen`: tools no model has seen in training; `imported`: from a training-data file. */
  category: 'seed' | 'unseen' | 'imported';
  /** The step as the planner wrote it: `Plan: <thought>` then `#E = <tool>[<input>]`. */
  step: { thought: string; tool: string; input: string };
  /** Evidence of earlier steps, substituted into the input as the scheduler does. */
  evidence?: Readonly<Record<string, string>>;
  /** Every tool the model may choose from (the step's tool among them). */
  toolkit: readonly EvalToolDefinition[];
  /** The call a careful function caller makes. */
  expected: ToolCall;
}

const definition = ({ name, description, parameters }: EvalToolDefinition): EvalToolDefinition => ({ name, description, parameters });

// The app's own tools, as the app sends them (their schemas are what the tool caller must meet).
const searchWikiTool = definition(searchWiki);
const searchBilibiliTool = definition(searchBilibili);
const getCurrentTimeTool = definition(getCurrentTime);
const saveFileTool = definition(saveFile);
const calculatorTool = definition(calculator);

const currencyCode = { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code in capitals, for example "USD".' };
const airportCode = { type: 'string', pattern: '^[A-Z]{3}$', description: 'IATA airport code in capitals, for example "SFO".' };
const languageCode = { type: 'string', enum: ['en', 'fr', 'de', 'es', 'it', 'ja', 'zh'] };

/** The seed project's web search (Bing); not one of Stepwise's tools. */
export const searchBingTool: EvalToolDefinition = {
  name: 'search_bing',
  description: 'Searches the web with Bing and returns the top results with titles, links and snippets. Use it for recent events and facts not on Wikipedia.',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', minLength: 1, description: 'The search query.' } },
    required: ['query'],
    additionalProperties: false,
  },
};

/** The seed project's database tool. */
export const queryMysqlTool: EvalToolDefinition = {
  name: 'query_mysql',
  description: 'Runs one read-only SQL query on a MySQL database and returns the rows as a table.',
  parameters: {
    type: 'object',
    properties: {
      sql: { type: 'string', minLength: 1, description: 'One SELECT statement.' },
      database: { type: 'string', description: 'Database name; the default database when absent.' },
      max_rows: { type: 'integer', minimum: 1, maximum: 1000, description: 'Most rows to return (default 100).' },
    },
    required: ['sql'],
    additionalProperties: false,
  },
};

/** Unseen: books a flight; two patterned codes, a date, an integer and an enum. */
export const bookFlightTool: EvalToolDefinition = {
  name: 'book_flight',
  description: 'Books a one-way flight for one or more passengers.',
  parameters: {
    type: 'object',
    properties: {
      origin: airportCode,
      destination: airportCode,
      date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Departure date, YYYY-MM-DD.' },
      passengers: { type: 'integer', minimum: 1, maximum: 9, description: 'Number of passengers (default 1).' },
      cabin: { type: 'string', enum: ['economy', 'premium_economy', 'business', 'first'], description: 'Cabin class (default economy).' },
    },
    required: ['origin', 'destination', 'date'],
    additionalProperties: false,
  },
};

/** Unseen: converts money; a number and two patterned codes. */
export const convertCurrencyTool: EvalToolDefinition = {
  name: 'convert_currency',
  description: 'Converts an amount of money from one currency to another at today\'s rate.',
  parameters: {
    type: 'object',
    properties: { amount: { type: 'number', minimum: 0 }, from: currencyCode, to: currencyCode },
    required: ['amount', 'from', 'to'],
    additionalProperties: false,
  },
};

/** Unseen: the weather forecast; an enum and a bounded integer. */
export const getWeatherTool: EvalToolDefinition = {
  name: 'get_weather',
  description: 'Gives the weather forecast for a place.',
  parameters: {
    type: 'object',
    properties: {
      location: { type: 'string', minLength: 1, description: 'City or place name.' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'], description: 'Temperature unit (default celsius).' },
      days: { type: 'integer', minimum: 1, maximum: 7, description: 'Days of forecast (default 1).' },
    },
    required: ['location'],
    additionalProperties: false,
  },
};

/** Unseen: a calendar event; an array and a nested object with an enum. */
export const createCalendarEventTool: EvalToolDefinition = {
  name: 'create_calendar_event',
  description: 'Creates an event in the person\'s calendar.',
  parameters: {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1 },
      start: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$', description: 'Local start time, YYYY-MM-DDTHH:MM.' },
      duration_minutes: { type: 'integer', minimum: 5, maximum: 1440, description: 'Length in minutes (default 60).' },
      attendees: { type: 'array', items: { type: 'string', description: 'E-mail address.' }, maxItems: 20 },
      reminder: {
        type: 'object',
        properties: {
          minutes_before: { type: 'integer', minimum: 0, maximum: 10080 },
          method: { type: 'string', enum: ['popup', 'email'] },
        },
        required: ['minutes_before', 'method'],
        additionalProperties: false,
      },
    },
    required: ['title', 'start'],
    additionalProperties: false,
  },
};

/** Unseen: sends e-mail; arrays of addresses. */
export const sendEmailTool: EvalToolDefinition = {
  name: 'send_email',
  description: 'Sends an e-mail from the person\'s account.',
  parameters: {
    type: 'object',
    properties: {
      to: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 10 },
      cc: { type: 'array', items: { type: 'string' }, maxItems: 10 },
      subject: { type: 'string', minLength: 1 },
      body: { type: 'string' },
    },
    required: ['to', 'subject', 'body'],
    additionalProperties: false,
  },
};

/** Unseen: translation; language codes as enums. */
export const translateTextTool: EvalToolDefinition = {
  name: 'translate_text',
  description: 'Translates text into another language.',
  parameters: {
    type: 'object',
    properties: {
      text: { type: 'string', minLength: 1 },
      target_language: { ...languageCode, description: 'Language to translate into (ISO 639-1).' },
      source_language: { ...languageCode, description: 'Language of the text; detected when absent.' },
    },
    required: ['text', 'target_language'],
    additionalProperties: false,
  },
};

/** Unseen: book lookup; an ISBN with a strict pattern (digits only). */
export const lookupIsbnTool: EvalToolDefinition = {
  name: 'lookup_isbn',
  description: 'Looks up a book by its ISBN and returns title, authors, publisher and year.',
  parameters: {
    type: 'object',
    properties: { isbn: { type: 'string', pattern: '^(97[89])?\\d{9}[\\dX]$', description: 'ISBN-10 or ISBN-13, digits only (no hyphens or spaces).' } },
    required: ['isbn'],
    additionalProperties: false,
  },
};

/** Unseen: an issue tracker; enum, array of enums and a nested object. */
export const createTicketTool: EvalToolDefinition = {
  name: 'create_ticket',
  description: 'Opens a ticket in the issue tracker.',
  parameters: {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1 },
      priority: { type: 'string', enum: ['low', 'medium', 'high', 'urgent'] },
      labels: { type: 'array', items: { type: 'string', enum: ['bug', 'docs', 'frontend', 'backend', 'billing'] }, maxItems: 5 },
      assignee: {
        type: 'object',
        properties: { name: { type: 'string', minLength: 1 }, team: { type: 'string', minLength: 1 } },
        required: ['name'],
        additionalProperties: false,
      },
    },
    required: ['title', 'priority'],
    additionalProperties: false,
  },
};

/** The seed project's six tools. */
export const seedToolkit: readonly EvalToolDefinition[] = [searchWikiTool, searchBingTool, searchBilibiliTool, getCurrentTimeTool, saveFileTool, queryMysqlTool];
const travelToolkit = [bookFlightTool, convertCurrencyTool, getWeatherTool, getCurrentTimeTool, searchWikiTool];
const officeToolkit = [createCalendarEventTool, sendEmailTool, saveFileTool, translateTextTool];
const libraryToolkit = [lookupIsbnTool, searchWikiTool, searchBingTool, queryMysqlTool];
const supportToolkit = [createTicketTool, sendEmailTool, queryMysqlTool];
const mixedToolkit = [calculatorTool, searchWikiTool, convertCurrencyTool, lookupIsbnTool, getWeatherTool];

type CaseInput = Omit<EvalCase, 'toolkit' | 'category' | 'step'> & { thought: string; tool: string; input: string };

function group(category: EvalCase['category'], toolkit: readonly EvalToolDefinition[], inputs: readonly CaseInput[]): EvalCase[] {
  return inputs.map(({ thought, tool, input, ...rest }) => ({ ...rest, category, toolkit, step: { thought, tool, input } }));
}

const call = (name: string, args: Record<string, unknown>): ToolCall => ({ name, arguments: args });

/** The suite: 62 cases over six toolkits (the seed's six tools, and five toolkits with unseen tools). */
export const evalCases: readonly EvalCase[] = [
  ...group('seed', seedToolkit, [
    { id: 'wiki-title', thought: 'Find out about the film.', tool: 'search_wiki', input: 'Killers of the Flower Moon', expected: call('search_wiki', { query: 'Killers of the Flower Moon' }) },
    { id: 'wiki-person', thought: 'Look up the director.', tool: 'search_wiki', input: 'Martin Scorsese filmography', expected: call('search_wiki', { query: 'Martin Scorsese filmography' }) },
    { id: 'wiki-limit', thought: 'Read a few articles about the tower.', tool: 'search_wiki', input: 'Eiffel Tower, 5 articles', expected: call('search_wiki', { query: 'Eiffel Tower', limit: 5 }) },
    {
      id: 'wiki-evidence',
      thought: 'Look up the person found in #E1.',
      tool: 'search_wiki',
      input: '#E1',
      evidence: { '#E1': 'Martin Scorsese' },
      expected: call('search_wiki', { query: 'Martin Scorsese' }),
    },
    { id: 'bing-release', thought: 'Search the web for the release date.', tool: 'search_bing', input: 'Rust 1.80 release date', expected: call('search_bing', { query: 'Rust 1.80 release date' }) },
    { id: 'bing-news', thought: 'Find recent news.', tool: 'search_bing', input: 'latest SpaceX Starship launch', expected: call('search_bing', { query: 'latest SpaceX Starship launch' }) },
    { id: 'bilibili-chinese', thought: 'Find a guide video on bilibili.', tool: 'search_bilibili', input: '原神 攻略', expected: call('search_bilibili', { query: '原神 攻略' }) },
    { id: 'bilibili-limit', thought: 'Find the trailer, three videos are enough.', tool: 'search_bilibili', input: 'The Irishman trailer, top 3', expected: call('search_bilibili', { query: 'The Irishman trailer', limit: 3 }) },
    {
      id: 'bilibili-evidence',
      thought: 'Search bilibili for the trailer of the film in #E3.',
      tool: 'search_bilibili',
      input: '#E3 预告',
      evidence: { '#E3': '奥本海默' },
      expected: call('search_bilibili', { query: '奥本海默 预告' }),
    },
    { id: 'time-empty', thought: 'Check today\'s date.', tool: 'get_current_time', input: '', expected: call('get_current_time', {}) },
    { id: 'time-zone', thought: 'What time is it in Japan?', tool: 'get_current_time', input: 'Asia/Tokyo', expected: call('get_current_time', { timeZone: 'Asia/Tokyo' }) },
    { id: 'time-city', thought: 'Find the local time of the meeting place.', tool: 'get_current_time', input: 'the time in New York', expected: call('get_current_time', { timeZone: 'America/New_York' }) },
    { id: 'save-colon', thought: 'Write the shopping list down.', tool: 'save_file', input: 'notes.txt: Buy milk and eggs', expected: call('save_file', { filename: 'notes.txt', content: 'Buy milk and eggs' }) },
    {
      id: 'save-json',
      thought: 'Save the table.',
      tool: 'save_file',
      input: '{"filename": "report.csv", "content": "year,value"}',
      expected: call('save_file', { filename: 'report.csv', content: 'year,value' }),
    },
    {
      id: 'save-evidence',
      thought: 'Keep the answer from #E1 in a file.',
      tool: 'save_file',
      input: 'answer.txt with #E1',
      evidence: { '#E1': 'Paris is the capital of France.' },
      expected: call('save_file', { filename: 'answer.txt', content: 'Paris is the capital of France.' }),
    },
    {
      id: 'save-markdown',
      thought: 'Save the list of films as Markdown.',
      tool: 'save_file',
      input: 'movies.md, content: #E2',
      evidence: { '#E2': 'Taxi Driver; Goodfellas; The Irishman' },
      expected: call('save_file', { filename: 'movies.md', content: 'Taxi Driver; Goodfellas; The Irishman' }),
    },
    {
      id: 'mysql-select',
      thought: 'Find the well-paid employees.',
      tool: 'query_mysql',
      input: 'SELECT name FROM employees WHERE salary > 50000',
      expected: call('query_mysql', { sql: 'SELECT name FROM employees WHERE salary > 50000' }),
    },
    {
      id: 'mysql-database',
      thought: 'Count last year\'s orders in the shop database.',
      tool: 'query_mysql',
      input: 'SELECT COUNT(*) FROM orders WHERE YEAR(created_at) = 2023 on the shop database',
      expected: call('query_mysql', { sql: 'SELECT COUNT(*) FROM orders WHERE YEAR(created_at) = 2023', database: 'shop' }),
    },
  ]),
  ...group('unseen', travelToolkit, [
    { id: 'flight-basic', thought: 'Book the flight.', tool: 'book_flight', input: 'from SFO to JFK on 2024-07-04', expected: call('book_flight', { origin: 'SFO', destination: 'JFK', date: '2024-07-04' }) },
    {
      id: 'flight-cabin',
      thought: 'Book seats for both of us.',
      tool: 'book_flight',
      input: '2 passengers, business class, LHR to CDG, 2024-12-20',
      expected: call('book_flight', { origin: 'LHR', destination: 'CDG', date: '2024-12-20', passengers: 2, cabin: 'business' }),
    },
    {
      id: 'flight-names',
      thought: 'Book the connection to Singapore.',
      tool: 'book_flight',
      input: 'Tokyo Haneda (HND) to Singapore (SIN) on 2025-03-01 in premium economy',
      expected: call('book_flight', { origin: 'HND', destination: 'SIN', date: '2025-03-01', cabin: 'premium_economy' }),
    },
    {
      id: 'flight-group',
      thought: 'Book for the three of them.',
      tool: 'book_flight',
      input: 'economy seats for 3 from BER to MAD on 2025-05-17',
      expected: call('book_flight', { origin: 'BER', destination: 'MAD', date: '2025-05-17', passengers: 3, cabin: 'economy' }),
    },
    { id: 'currency-basic', thought: 'Convert the price.', tool: 'convert_currency', input: '100 USD to EUR', expected: call('convert_currency', { amount: 100, from: 'USD', to: 'EUR' }) },
    { id: 'currency-words', thought: 'How much is that in dollars?', tool: 'convert_currency', input: '2,500 yen into US dollars', expected: call('convert_currency', { amount: 2500, from: 'JPY', to: 'USD' }) },
    {
      id: 'currency-evidence',
      thought: 'Convert the price found in #E1.',
      tool: 'convert_currency',
      input: '#E1 GBP to CHF',
      evidence: { '#E1': '49.99' },
      expected: call('convert_currency', { amount: 49.99, from: 'GBP', to: 'CHF' }),
    },
    { id: 'weather-basic', thought: 'Check the weather there.', tool: 'get_weather', input: 'Paris', expected: call('get_weather', { location: 'Paris' }) },
    {
      id: 'weather-options',
      thought: 'Get the forecast for the trip.',
      tool: 'get_weather',
      input: 'Chicago in fahrenheit for the next 3 days',
      expected: call('get_weather', { location: 'Chicago', unit: 'fahrenheit', days: 3 }),
    },
    { id: 'weather-unit', thought: 'Check the weather in Celsius.', tool: 'get_weather', input: 'Berlin, celsius', expected: call('get_weather', { location: 'Berlin', unit: 'celsius' }) },
    { id: 'time-travel', thought: 'What time is it at the destination?', tool: 'get_current_time', input: 'Europe/Paris', expected: call('get_current_time', { timeZone: 'Europe/Paris' }) },
    { id: 'wiki-airport', thought: 'Read about the airport.', tool: 'search_wiki', input: 'Singapore Changi Airport', expected: call('search_wiki', { query: 'Singapore Changi Airport' }) },
  ]),
  ...group('unseen', officeToolkit, [
    {
      id: 'event-basic',
      thought: 'Put the meeting in the calendar.',
      tool: 'create_calendar_event',
      input: 'Team sync on 2024-09-02 at 10:00 for 30 minutes',
      expected: call('create_calendar_event', { title: 'Team sync', start: '2024-09-02T10:00', duration_minutes: 30 }),
    },
    {
      id: 'event-reminder',
      thought: 'Add the appointment with a reminder.',
      tool: 'create_calendar_event',
      input: 'Dentist appointment, 2024-10-15T14:30, remind me by popup 60 minutes before',
      expected: call('create_calendar_event', { title: 'Dentist appointment', start: '2024-10-15T14:30', reminder: { minutes_before: 60, method: 'popup' } }),
    },
    {
      id: 'event-attendees',
      thought: 'Invite both to the kickoff.',
      tool: 'create_calendar_event',
      input: 'Project kickoff 2025-01-06 09:00, 90 minutes, with alice@example.com and bob@example.com',
      expected: call('create_calendar_event', {
        title: 'Project kickoff',
        start: '2025-01-06T09:00',
        duration_minutes: 90,
        attendees: ['alice@example.com', 'bob@example.com'],
      }),
    },
    {
      id: 'event-email-reminder',
      thought: 'Schedule the lunch.',
      tool: 'create_calendar_event',
      input: 'Lunch with Sam at 2024-11-01T12:00, e-mail reminder one day before',
      expected: call('create_calendar_event', { title: 'Lunch with Sam', start: '2024-11-01T12:00', reminder: { minutes_before: 1440, method: 'email' } }),
    },
    {
      id: 'email-basic',
      thought: 'Send the notes.',
      tool: 'send_email',
      input: 'to alice@example.com, subject Meeting notes, body See the attached notes.',
      expected: call('send_email', { to: ['alice@example.com'], subject: 'Meeting notes', body: 'See the attached notes.' }),
    },
    {
      id: 'email-two',
      thought: 'Tell both of them.',
      tool: 'send_email',
      input: 'bob@example.com and carol@example.com: subject "Launch", text "We ship on Friday."',
      expected: call('send_email', { to: ['bob@example.com', 'carol@example.com'], subject: 'Launch', body: 'We ship on Friday.' }),
    },
    {
      id: 'email-cc-evidence',
      thought: 'Report the outage described in #E1.',
      tool: 'send_email',
      input: 'to ops@example.com, cc lead@example.com, subject Outage report, body #E1',
      evidence: { '#E1': 'The API was down from 09:10 to 09:40.' },
      expected: call('send_email', { to: ['ops@example.com'], cc: ['lead@example.com'], subject: 'Outage report', body: 'The API was down from 09:10 to 09:40.' }),
    },
    { id: 'translate-basic', thought: 'Say it in French.', tool: 'translate_text', input: 'Good morning into French', expected: call('translate_text', { text: 'Good morning', target_language: 'fr' }) },
    {
      id: 'translate-source',
      thought: 'Understand the question.',
      tool: 'translate_text',
      input: 'from German to English: Wie spät ist es?',
      expected: call('translate_text', { text: 'Wie spät ist es?', target_language: 'en', source_language: 'de' }),
    },
    {
      id: 'translate-evidence',
      thought: 'Translate the summary in #E2 into Japanese.',
      tool: 'translate_text',
      input: '#E2 to Japanese',
      evidence: { '#E2': 'The museum opens at nine.' },
      expected: call('translate_text', { text: 'The museum opens at nine.', target_language: 'ja' }),
    },
    {
      id: 'translate-spanish',
      thought: 'Translate the question for the German guide.',
      tool: 'translate_text',
      input: 'the Spanish sentence "¿Dónde está la estación?" into German',
      expected: call('translate_text', { text: '¿Dónde está la estación?', target_language: 'de', source_language: 'es' }),
    },
    { id: 'save-minutes', thought: 'Keep the decisions.', tool: 'save_file', input: 'minutes.txt: Decisions: ship v2', expected: call('save_file', { filename: 'minutes.txt', content: 'Decisions: ship v2' }) },
  ]),
  ...group('unseen', libraryToolkit, [
    { id: 'isbn-hyphens', thought: 'Identify the book.', tool: 'lookup_isbn', input: '978-0-14-143951-8', expected: call('lookup_isbn', { isbn: '9780141439518' }) },
    { id: 'isbn-ten', thought: 'Look up the old edition.', tool: 'lookup_isbn', input: '0306406152', expected: call('lookup_isbn', { isbn: '0306406152' }) },
    { id: 'isbn-prefix', thought: 'Look up the French book.', tool: 'lookup_isbn', input: 'ISBN 979-10-90636-07-1', expected: call('lookup_isbn', { isbn: '9791090636071' }) },
    {
      id: 'isbn-evidence',
      thought: 'Look up the ISBN found in #E1.',
      tool: 'lookup_isbn',
      input: '#E1',
      evidence: { '#E1': '9780262033848' },
      expected: call('lookup_isbn', { isbn: '9780262033848' }),
    },
    { id: 'bing-price', thought: 'Find what a first edition costs.', tool: 'search_bing', input: 'Pride and Prejudice first edition price', expected: call('search_bing', { query: 'Pride and Prejudice first edition price' }) },
    {
      id: 'mysql-rows',
      thought: 'List her books from the catalogue.',
      tool: 'query_mysql',
      input: 'SELECT title FROM books WHERE author = \'Jane Austen\', at most 20 rows',
      expected: call('query_mysql', { sql: 'SELECT title FROM books WHERE author = \'Jane Austen\'', max_rows: 20 }),
    },
    { id: 'wiki-two', thought: 'Read about the author.', tool: 'search_wiki', input: 'Jane Austen, 2 results', expected: call('search_wiki', { query: 'Jane Austen', limit: 2 }) },
  ]),
  ...group('unseen', supportToolkit, [
    { id: 'ticket-urgent', thought: 'Open a ticket for the outage.', tool: 'create_ticket', input: 'Login page returns 500, urgent', expected: call('create_ticket', { title: 'Login page returns 500', priority: 'urgent' }) },
    {
      id: 'ticket-labels',
      thought: 'File the typo.',
      tool: 'create_ticket',
      input: 'Typo on pricing page, low priority, labels docs and frontend',
      expected: call('create_ticket', { title: 'Typo on pricing page', priority: 'low', labels: ['docs', 'frontend'] }),
    },
    {
      id: 'ticket-assignee',
      thought: 'Give it to the payments team.',
      tool: 'create_ticket',
      input: 'Payment webhook fails, high, assign to Dana from the payments team',
      expected: call('create_ticket', { title: 'Payment webhook fails', priority: 'high', assignee: { name: 'Dana', team: 'payments' } }),
    },
    {
      id: 'ticket-evidence',
      thought: 'Open a ticket for the problem found in #E1.',
      tool: 'create_ticket',
      input: '#E1, medium, label backend',
      evidence: { '#E1': 'Cache misses after deploy' },
      expected: call('create_ticket', { title: 'Cache misses after deploy', priority: 'medium', labels: ['backend'] }),
    },
    {
      id: 'mysql-support',
      thought: 'List the open tickets.',
      tool: 'query_mysql',
      input: 'SELECT id, status FROM tickets WHERE status = \'open\' in database support',
      expected: call('query_mysql', { sql: 'SELECT id, status FROM tickets WHERE status = \'open\'', database: 'support' }),
    },
    {
      id: 'email-evidence',
      thought: 'Confirm the ticket from #E2 to support.',
      tool: 'send_email',
      input: 'to support@example.com, subject Ticket created, body #E2',
      evidence: { '#E2': 'Ticket 4521 is open.' },
      expected: call('send_email', { to: ['support@example.com'], subject: 'Ticket created', body: 'Ticket 4521 is open.' }),
    },
  ]),
  ...group('unseen', mixedToolkit, [
    { id: 'calculator-expression', thought: 'Work out the months.', tool: 'calculator', input: '(1889 - 1886) * 12', expected: call('calculator', { expression: '(1889 - 1886) * 12' }) },
    {
      id: 'calculator-evidence',
      thought: 'Double the number in #E1.',
      tool: 'calculator',
      input: '#E1 * 2',
      evidence: { '#E1': '21' },
      expected: call('calculator', { expression: '21 * 2' }),
    },
    { id: 'weather-days', thought: 'Get the week\'s forecast.', tool: 'get_weather', input: 'Reykjavik, 5 days', expected: call('get_weather', { location: 'Reykjavik', days: 5 }) },
    { id: 'currency-mixed', thought: 'Convert the fee.', tool: 'convert_currency', input: '15.5 EUR in Swiss francs', expected: call('convert_currency', { amount: 15.5, from: 'EUR', to: 'CHF' }) },
    { id: 'isbn-mixed', thought: 'Find the book.', tool: 'lookup_isbn', input: 'ISBN-10 0-19-852663-6', expected: call('lookup_isbn', { isbn: '0198526636' }) },
    { id: 'wiki-mixed', thought: 'Read about the mountain.', tool: 'search_wiki', input: 'Mount Everest', expected: call('search_wiki', { query: 'Mount Everest' }) },
    { id: 'calculator-words', thought: 'Compute the total.', tool: 'calculator', input: 'the sum of 1250 and 380', expected: call('calculator', { expression: '1250 + 380' }) },
  ]),
];
