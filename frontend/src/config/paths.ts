/** Every route of the operator workspace, in one place so links and the router never disagree. */
export const paths = {
  login: "/login",
  home: "/",
  clients: "/clients",
  clientNew: "/clients/new",
  client: (clientId: string) => `/clients/${clientId}`,
  clientEdit: (clientId: string) => `/clients/${clientId}/edit`,
  offers: "/offers",
  offer: (offerId: string) => `/offers/${offerId}`,
  contracts: "/contracts",
  contract: (contractId: string) => `/contracts/${contractId}`,
  invoices: "/invoices",
  invoice: (invoiceId: string) => `/invoices/${invoiceId}`,
  collections: "/collections",
  collectionCase: (caseId: string) => `/collections/cases/${caseId}`,
  landing: "/landing",
} as const;
