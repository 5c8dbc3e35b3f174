/** The page part of the tab title; App adds the down count and the product name. */
class PageTitle {
  text = $state('');
}

export const pageTitle = new PageTitle();
