import { createContentLoader } from 'vitepress';

// Lists every guide page at build time, so pages added by other packages appear on the guide index.
export default createContentLoader('guide/*.md', {
  includeSrc: true,
  transform(raw) {
    return raw
      .filter((page) => page.url !== '/guide/')
      .map((page) => ({
        url: page.url,
        title: /^# (.+)$/m.exec(page.src ?? '')?.[1]?.trim() ?? page.url,
      }))
      .sort((a, b) =>
        a.url === '/guide/getting-started'
          ? -1
          : b.url === '/guide/getting-started'
            ? 1
            : a.url.localeCompare(b.url),
      );
  },
});
