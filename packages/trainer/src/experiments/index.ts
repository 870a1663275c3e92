// experiments: public exports of src/experiments (filled in by the experiments modules).
export {};
