// data: public exports of src/data.
export {};
