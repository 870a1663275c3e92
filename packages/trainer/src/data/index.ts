// data: public exports of src/data (filled in by the data modules).
export {};
