// report: public exports of src/report.
export {};
