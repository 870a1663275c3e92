// stats: public exports of src/stats.
export {};
