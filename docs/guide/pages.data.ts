import { guideSections } from '../.vitepress/guide-sections.ts';

// The guide's pages in reading order, by section (the same order as the sidebar).
export default {
  watch: ['./*.md'],
  load: () => guideSections(),
};
