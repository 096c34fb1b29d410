"""What auditors use: curriculum documentation, dated reports, the audit packet and its
background job, and their pages."""
